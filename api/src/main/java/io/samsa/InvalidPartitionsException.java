package io.samsa;

/**
 * A partition count that a topic cannot take: less than one, or fewer partitions than the topic
 * has. Partitions can be added, never removed, because keys map to partitions by hash.
 */
public class InvalidPartitionsException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final int requested;
  private final int current;

  public InvalidPartitionsException(String topic, int requested, int current, String reason) {
    super("invalid partition count: topic=" + topic + ", requested=" + requested + ", current="
        + current + ", reason=" + reason);
    this.topic = topic;
    this.requested = requested;
    this.current = current;
  }

  public String topic() {
    return topic;
  }

  public int requested() {
    return requested;
  }

  /** The topic's partition count, or 0 for a topic being created. */
  public int current() {
    return current;
  }
}
