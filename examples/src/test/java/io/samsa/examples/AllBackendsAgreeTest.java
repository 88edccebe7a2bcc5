package io.samsa.examples;

import io.samsa.spi.StorageProvider;
import io.samsa.testkit.CrossBackendConformanceTest;
import io.samsa.testkit.memory.MemoryStorageProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Invariant 8: the same random operations on the file, mmap and RocksDB backends, the kit's
 * reference backend and the journal example backend get the same answer to every read.
 */
class AllBackendsAgreeTest extends CrossBackendConformanceTest {
  @Override
  protected Map<String, StorageProvider> createProviders() {
    Map<String, StorageProvider> providers = new LinkedHashMap<>();
    providers.put(MemoryStorageProvider.NAME, new MemoryStorageProvider());
    for (StorageProvider p : ServiceLoader.load(StorageProvider.class)) {
      providers.put(p.name(), p); // file, mmap, rocksdb and journal, found as an application finds them
    }
    return providers;
  }
}
