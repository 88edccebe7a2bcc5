package io.samsa.spi;

/**
 * How a partition's segments index themselves, from the topic config.
 *
 * @param indexIntervalBytes bytes of batches between two sparse index entries
 * @param maxIndexBytes the size each index file may grow to (a full index makes the segment
 *     {@linkplain Segment#isFull() full})
 */
public record SegmentOptions(int indexIntervalBytes, int maxIndexBytes) {
  public SegmentOptions {
    if (indexIntervalBytes < 0) {
      throw new IllegalArgumentException("indexIntervalBytes must be >= 0: " + indexIntervalBytes);
    }
    if (maxIndexBytes < 24) {
      throw new IllegalArgumentException("maxIndexBytes must be >= 24: " + maxIndexBytes);
    }
  }
}
