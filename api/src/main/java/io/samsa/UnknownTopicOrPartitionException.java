package io.samsa;

/** The topic does not exist, or it has no partition with this number. */
public class UnknownTopicOrPartitionException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final int partition;

  /** The topic does not exist. */
  public UnknownTopicOrPartitionException(String topic) {
    super("unknown topic: topic=" + topic);
    this.topic = topic;
    this.partition = -1;
  }

  /** The topic exists but has only {@code partitionCount} partitions. */
  public UnknownTopicOrPartitionException(String topic, int partition, int partitionCount) {
    super("unknown partition: topic=" + topic + ", partition=" + partition + ", partitionCount="
        + partitionCount + " (allowed: 0 <= partition < " + partitionCount + ")");
    this.topic = topic;
    this.partition = partition;
  }

  public String topic() {
    return topic;
  }

  /** The partition asked for, or -1 if the topic itself is unknown. */
  public int partition() {
    return partition;
  }
}
