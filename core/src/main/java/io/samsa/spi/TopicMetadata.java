package io.samsa.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What a {@link TopicStore} persists about a topic.
 *
 * @param name the topic name, already validated by the core
 * @param partitionCount the number of partitions, which only grows
 * @param config the topic's settings as key/value pairs, stored and returned as given
 */
public record TopicMetadata(String name, int partitionCount, Map<String, String> config) {
  public TopicMetadata {
    Objects.requireNonNull(name, "name");
    if (partitionCount < 1) {
      throw new IllegalArgumentException("partitionCount must be >= 1: partitionCount=" + partitionCount);
    }
    config = Map.copyOf(config);
  }
}
