package io.samsa;

import java.util.Objects;

/**
 * The name of one partition of one topic. Printed as Kafka names partition directories:
 * {@code <topic>-<partition>}.
 */
public record TopicPartition(String topic, int partition) {
  public TopicPartition {
    Objects.requireNonNull(topic, "topic");
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0: partition=" + partition);
    }
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
