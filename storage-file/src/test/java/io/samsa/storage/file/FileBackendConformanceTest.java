package io.samsa.storage.file;

import io.samsa.spi.StorageProvider;
import io.samsa.testkit.StorageConformanceTest;

/** The file backend passes the whole kit, with crashes simulated by the kit's SimulatedDisk. */
class FileBackendConformanceTest extends StorageConformanceTest {
  @Override
  protected StorageProvider createProvider() {
    return new FileStorageProvider();
  }
}
