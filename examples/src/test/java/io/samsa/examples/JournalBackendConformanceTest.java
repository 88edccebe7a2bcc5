package io.samsa.examples;

import io.samsa.examples.journal.JournalStorageProvider;
import io.samsa.spi.StorageProvider;
import io.samsa.testkit.StorageConformanceTest;

/** The example backend passes the whole kit, crashes included: this class is all its test. */
class JournalBackendConformanceTest extends StorageConformanceTest {
  @Override
  protected StorageProvider createProvider() {
    return new JournalStorageProvider();
  }
}
