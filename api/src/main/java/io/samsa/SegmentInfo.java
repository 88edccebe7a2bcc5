package io.samsa;

/**
 * A description of one segment of a log, for operators and tests.
 *
 * @param baseOffset the offset of the segment's first record
 * @param nextOffset one past the segment's last record (equal to {@code baseOffset} if empty)
 * @param sizeInBytes the bytes of record batches the segment holds
 * @param maxTimestamp the largest record timestamp in the segment, or -1 if it is empty
 * @param active whether this is the segment appends go to
 */
public record SegmentInfo(
    long baseOffset, long nextOffset, long sizeInBytes, long maxTimestamp, boolean active) {}
