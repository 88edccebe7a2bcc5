package io.samsa.core.internal.log;

import io.samsa.spi.Segment;

/**
 * The core's view of one backend segment: the segment, and how much of it has been checked
 * against its checksums in this process (a prefix), so that zero-copy reads of checked bytes need
 * not read them again.
 */
final class SegmentHandle {
  final Segment segment;
  final long baseOffset;
  private volatile long verifiedBytes;

  SegmentHandle(Segment segment, long verifiedBytes) {
    this.segment = segment;
    this.baseOffset = segment.baseOffset();
    this.verifiedBytes = verifiedBytes;
  }

  long verifiedBytes() {
    return verifiedBytes;
  }

  /** Bytes {@code [from, to)} were checked; extends the verified prefix if they adjoin it. */
  void verified(long from, long to) {
    if (from <= verifiedBytes && to > verifiedBytes) {
      verifiedBytes = to;
    }
  }

  /** The segment was cut back to {@code size} bytes. */
  void truncated(long size) {
    if (verifiedBytes > size) {
      verifiedBytes = size;
    }
  }

  String name() {
    return segment.name();
  }
}
