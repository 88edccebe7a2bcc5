package io.samsa;

import java.nio.file.Path;
import java.util.Set;

/**
 * A directory of topics, each a set of partition logs, on one storage backend. Open one with the
 * builder in {@code io.samsa.core.Samsa}:
 *
 * <pre>{@code
 * try (LogStore store = Samsa.builder(Path.of("data")).backend("file").open()) {
 *   store.createTopic("orders", 4);
 *   Topic orders = store.topic("orders");
 *   AppendResult r = orders.append(ProducerRecord.of("customer-7", "order placed"));
 *   ReadResult rs = orders.partition(r.topicPartition().partition()).read(r.baseOffset(), 1 << 20);
 * }
 * }</pre>
 *
 * <p>Thread-safe. Only one store may have a directory open at a time. {@link #close()} flushes
 * every log and marks the shutdown clean, so that the next open skips recovery.
 */
public interface LogStore extends AutoCloseable {
  Path directory();

  /** The name of the storage backend, e.g. {@code file}. */
  String backend();

  /**
   * Creates a topic with the default config.
   *
   * @throws TopicExistsException if it exists
   * @throws InvalidTopicException if the name breaks the rules (nothing is created)
   * @throws InvalidPartitionsException if {@code partitionCount < 1}
   */
  TopicDescription createTopic(String name, int partitionCount);

  /** Creates a topic with the given config; see {@link #createTopic(String, int)}. */
  TopicDescription createTopic(String name, int partitionCount, TopicConfig config);

  /** The names of all topics. */
  Set<String> topics();

  /**
   * @throws UnknownTopicOrPartitionException if there is no such topic
   */
  TopicDescription describeTopic(String name);

  /**
   * Grows a topic to {@code partitionCount} partitions. Partitions are never removed: keys map to
   * partitions by hash, so removing one would move keys and break their order.
   *
   * @throws InvalidPartitionsException if {@code partitionCount} is below the current count
   * @throws UnknownTopicOrPartitionException if there is no such topic
   */
  TopicDescription addPartitions(String name, int partitionCount);

  /**
   * Deletes a topic and all its data. Logs and readers of it fail from then on.
   *
   * @throws UnknownTopicOrPartitionException if there is no such topic
   */
  void deleteTopic(String name);

  /**
   * @throws UnknownTopicOrPartitionException if there is no such topic
   */
  Topic topic(String name);

  /**
   * @throws UnknownTopicOrPartitionException if there is no such topic or partition
   */
  Log log(TopicPartition partition);

  /** What recovery found when this store opened. */
  RecoveryReport recoveryReport();

  /** Applies retention to every log now; returns the number of segments deleted. */
  int applyRetention();

  /** Flushes every log. */
  void flush();

  /**
   * Flushes every log, writes the checkpoints and the clean-shutdown marker, and releases the
   * directory. Idempotent.
   *
   * @throws StorageException if flushing failed; the store is closed anyway, and the next open
   *     will recover
   */
  @Override
  void close();
}
