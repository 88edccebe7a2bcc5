package io.samsa.spi;

import java.io.IOException;

/**
 * A storage backend, found by name through {@link java.util.ServiceLoader}.
 *
 * <p>A backend is a jar that registers its provider in {@code
 * META-INF/services/io.samsa.spi.StorageProvider} (and with {@code provides} in its {@code
 * module-info}, if it has one). The provider needs a public no-argument constructor. Applications
 * choose a backend by its {@link #name()}; the core never imports a backend.
 *
 * <h2>The split of work</h2>
 * A backend only stores and finds bytes, in three levels: a {@link TopicStore} (the topics of a
 * store and their metadata), a {@link PartitionStore} (the segments and checkpoints of one
 * partition) and a {@link Segment} (a contiguous range of record batches). The core owns
 * everything that must be the same for every backend: the batch format and its validation,
 * offset assignment, when to roll, retention, the log start offset, recovery orchestration, the
 * flush policy, reading across segments and replication. The helpers a backend needs to do its
 * part — reading batch headers, validating checksums, scanning for recovery, the index entry
 * layouts and the checkpoint format — are in {@link io.samsa.spi.format}.
 *
 * <h2>Writing a backend</h2>
 * Implement the four interfaces, register the provider, and prove it with the conformance kit in
 * {@code io.samsa:samsa-testkit}: extend {@code io.samsa.testkit.StorageConformanceTest} and return
 * your provider from its one factory method. The file backend ({@code io.samsa.storage.file}) is
 * the reference for a file-based backend.
 */
public interface StorageProvider {
  /** The name applications select this backend by, lower case: {@code file}, {@code mmap}... */
  String name();

  /**
   * Opens the topic store in {@link StorageContext#directory()}, creating what it needs there. The
   * core calls this once per store, after it has locked the directory.
   */
  TopicStore open(StorageContext context) throws IOException;
}
