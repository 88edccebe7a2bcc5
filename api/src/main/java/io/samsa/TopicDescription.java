package io.samsa;

/**
 * A topic as the store describes it.
 *
 * @param name the topic name
 * @param partitionCount the number of partitions, which only ever grows
 * @param config the topic's settings
 */
public record TopicDescription(String name, int partitionCount, TopicConfig config) {}
