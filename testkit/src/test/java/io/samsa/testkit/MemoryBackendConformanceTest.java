package io.samsa.testkit;

import io.samsa.spi.StorageProvider;
import io.samsa.testkit.memory.MemoryStorageProvider;

/** The reference backend passes the whole kit, crashes included (with its own crash model). */
class MemoryBackendConformanceTest extends StorageConformanceTest {
  @Override
  protected StorageProvider createProvider() {
    return new MemoryStorageProvider();
  }

  @Override
  protected CrashSimulator crashSimulator(StorageProvider provider) {
    return ((MemoryStorageProvider) provider).crashSimulator();
  }
}
