package io.samsa.spi;

/**
 * The start of a leader epoch in a partition's log.
 *
 * @param epoch the leader epoch
 * @param startOffset the first offset written in that epoch
 */
public record LeaderEpoch(int epoch, long startOffset) {}
