package io.samsa.spi;

/**
 * How a partition's segments index themselves, from the topic config.
 *
 * @param indexIntervalBytes bytes of batches between two sparse index entries
 * @param maxIndexBytes the size each index file may grow to (a full index makes the segment
 *     {@linkplain Segment#isFull() full})
 * @param segmentBytes the most bytes of batches a segment holds: the core rolls before a batch
 *     would take it past this (a backend that preallocates sizes its files by it)
 * @param syncEveryAppend whether the topic forces every append (the core calls {@link
 *     Segment#flush()} after each): a backend with a write-ahead log may write synchronously
 *     instead and make that flush cheap
 */
public record SegmentOptions(
    int indexIntervalBytes, int maxIndexBytes, long segmentBytes, boolean syncEveryAppend) {
  public SegmentOptions {
    if (indexIntervalBytes < 0) {
      throw new IllegalArgumentException("indexIntervalBytes must be >= 0: " + indexIntervalBytes);
    }
    if (maxIndexBytes < 24) {
      throw new IllegalArgumentException("maxIndexBytes must be >= 24: " + maxIndexBytes);
    }
    if (segmentBytes < 1) {
      throw new IllegalArgumentException("segmentBytes must be >= 1: " + segmentBytes);
    }
  }
}
