package io.samsa.core.internal.log;

import io.samsa.core.internal.io.RefCount;
import io.samsa.spi.Segment;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The core's view of one backend segment: the segment, who is using it, and how much of it has
 * been checked against its checksums in this process (a prefix), so that zero-copy reads of
 * checked bytes need not read them again.
 *
 * <h2>Lifetime</h2>
 * The log holds one reference while the segment is in its list; each reader holds one while it
 * reads. Removing a segment from the list ({@link #retire()}) drops the log's reference; whoever
 * drops the last one deletes the segment. So a reader never sees a deleted segment's bytes, and
 * retention never waits for a reader, however slow.
 *
 * <h2>Cutting</h2>
 * Readers hold the {@link #readLock()} while they touch the bytes; truncation and close take the
 * {@link #writeLock()}, so they wait only for the in-flight reads of the segments they change.
 */
final class SegmentHandle {
  final Segment segment;
  final long baseOffset;
  private final RefCount refs = new RefCount(1); // the log's own reference
  private final ReentrantReadWriteLock cut = new ReentrantReadWriteLock();
  private final Consumer<SegmentHandle> onLastRelease;
  private volatile boolean retired;
  private volatile boolean deleted;
  /** Sealed, and its seal (trims, final index entries) not yet forced by a flush. */
  volatile boolean sealPending;
  private volatile long verifiedBytes;

  SegmentHandle(Segment segment, Consumer<SegmentHandle> onLastRelease) {
    this.segment = segment;
    this.baseOffset = segment.baseOffset();
    this.onLastRelease = onLastRelease;
  }

  /** Takes a reference for a reader; false if the segment is already gone. */
  boolean retain() {
    return refs.retain();
  }

  /** Drops a reference; the last one deletes the segment (unless {@link #deleteNow} did). */
  void release() {
    if (refs.release() && !deleted) {
      onLastRelease.accept(this);
    }
  }

  /**
   * Deletes the segment at once, for a caller holding the {@link #writeLock()} (so no reader is
   * in it) that cannot wait for the last reference to go: truncation.
   */
  void deleteNow() throws java.io.IOException {
    deleted = true;
    segment.delete();
  }

  /** The segment left the log's list: drop the log's reference. */
  void retire() {
    retired = true;
    release();
  }

  /** Whether the segment left the log's list (a reader that sees this looks again). */
  boolean isRetired() {
    return retired;
  }

  Lock readLock() {
    return cut.readLock();
  }

  Lock writeLock() {
    return cut.writeLock();
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

  @Override
  public String toString() {
    return segment.name() + (retired ? " (retired)" : "") + " refs=" + refs;
  }
}
