package io.samsa.storage.mmap;

import io.samsa.spi.StorageProvider;
import io.samsa.testkit.StorageConformanceTest;

/**
 * The mmap backend passes the whole kit, crashes included: the kit's SimulatedDisk sees writes
 * through its mappings and loses, reorders or flips their unforced sectors.
 */
class MmapBackendConformanceTest extends StorageConformanceTest {
  @Override
  protected StorageProvider createProvider() {
    return new MmapStorageProvider();
  }
}
