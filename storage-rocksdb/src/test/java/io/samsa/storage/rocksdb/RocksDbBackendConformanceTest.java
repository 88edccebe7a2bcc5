package io.samsa.storage.rocksdb;

import io.samsa.spi.StorageProvider;
import io.samsa.testkit.CrashSimulator;
import io.samsa.testkit.StorageConformanceTest;
import java.util.Map;

/**
 * The RocksDB backend passes the whole kit, crashes included: a crash cuts RocksDB's
 * write-ahead log back to (or past) its last sync, as a power cut would.
 */
class RocksDbBackendConformanceTest extends StorageConformanceTest {
  @Override
  protected StorageProvider createProvider() {
    return new RocksDbStorageProvider();
  }

  @Override
  protected CrashSimulator crashSimulator(StorageProvider provider) {
    return new RocksDbCrashSimulator((RocksDbStorageProvider) provider);
  }

  @Override
  protected Map<Capability, String> missingCapabilities() {
    return Map.of(Capability.TORN_WRITES_REACH_RECOVERY, "RocksDB's write-ahead log recovery "
        + "(kPointInTimeRecovery) drops torn and corrupt records itself, so Samsa's recovery never "
        + "sees them");
  }
}
