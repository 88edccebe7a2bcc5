package io.samsa.spi;

import io.samsa.TopicPartition;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The topics of one store: their metadata and their partitions' storage.
 *
 * <p>Every change is atomic with respect to crashes: after {@link #createTopic} returns, the
 * topic and all its partitions exist; if the process dies during it, the next open finds the
 * topic either whole or absent, never half made. The same holds for {@link #updateTopic} and
 * {@link #deleteTopic}.
 *
 * <p>The core serializes calls that change topics; it may open different partitions concurrently.
 */
public interface TopicStore extends Closeable {
  /** Every topic, as last committed. */
  List<TopicMetadata> topics() throws IOException;

  /** Creates the topic and its empty partitions {@code 0..partitionCount-1}. It does not exist. */
  void createTopic(TopicMetadata topic) throws IOException;

  /**
   * Replaces a topic's metadata. If the partition count grew, the new partitions are created
   * (empty) before the new count is committed.
   */
  void updateTopic(TopicMetadata topic) throws IOException;

  /** Deletes the topic and all its partitions' data; the core has closed their stores. */
  void deleteTopic(String name) throws IOException;

  /**
   * Opens the storage of an existing partition. The core opens each partition at most once at a
   * time and closes it before deleting its topic or closing this store.
   */
  PartitionStore openPartition(TopicPartition partition, SegmentOptions options) throws IOException;

  /**
   * Background housekeeping of the backend's own (page-cache advice, caches), called from the
   * store's maintenance thread about once a second while the store is open; never concurrently
   * with itself or {@link #close}. The default does nothing. A failure is logged and the next
   * call comes as usual, so it must leave the store usable.
   */
  default void maintain() throws IOException {}

  /** Releases everything; the core has closed every partition store first. */
  @Override
  void close() throws IOException;
}
