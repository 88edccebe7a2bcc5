package io.samsa;

/**
 * A topic of a store: a name and a fixed-but-growing number of partitions. Handles are cheap and
 * stay valid until the topic is deleted or the store closed; they see partitions added later.
 */
public interface Topic {
  String name();

  int partitionCount();

  TopicConfig config();

  /**
   * The log of one partition.
   *
   * @throws UnknownTopicOrPartitionException if there is no such partition
   */
  Log partition(int partition);

  /**
   * Appends the record to the partition its key maps to (the store's {@link Partitioner}); records
   * without a key go to the partitions in turn.
   */
  AppendResult append(ProducerRecord record);

  /** The partition a key maps to now. */
  int partitionFor(byte[] key);
}
