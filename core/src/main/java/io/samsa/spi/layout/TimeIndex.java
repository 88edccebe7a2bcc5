package io.samsa.spi.layout;

import io.samsa.spi.format.TimeIndexDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A segment's sparse time index: Kafka's 12-byte entries of (timestamp, relative offset); see
 * {@link TimeIndexDescriptor}. An entry is added only when the running largest timestamp has
 * grown; the last slot is kept for the entry written at seal, which holds the segment's largest
 * timestamp (what time-based retention reads).
 */
final class TimeIndex {
  final IndexFile file;

  TimeIndex(IndexFile file) {
    this.file = file;
  }

  /** Adds (timestamp, offset) if the timestamp grew and there is room. */
  void maybeAppend(long timestamp, int relativeOffset, boolean sealing) throws IOException {
    int n = file.count();
    if (n > 0 && TimeIndexDescriptor.timestamp(file.entries(), n - 1) >= timestamp) {
      return;
    }
    if (n >= file.maxEntries() - (sealing ? 0 : 1)) {
      return; // the last slot is for the entry written at seal
    }
    file.append((buf, i) -> TimeIndexDescriptor.put(buf, i, timestamp, relativeOffset));
  }

  /** The relative offset of the last entry whose timestamp is at most {@code target}, or -1. */
  int lookup(long target) {
    int n = file.count();
    ByteBuffer e = file.entries();
    int found = IndexFile.floorEntry(n, target, i -> TimeIndexDescriptor.timestamp(e, i));
    return found < 0 ? -1 : TimeIndexDescriptor.relativeOffset(e, found);
  }

  /** The last entry whose timestamp is at most {@code target}, or -1. */
  int floorEntry(long target) {
    ByteBuffer e = file.entries();
    return IndexFile.floorEntry(file.count(), target, i -> TimeIndexDescriptor.timestamp(e, i));
  }

  int relativeOffsetOf(int entry) {
    return TimeIndexDescriptor.relativeOffset(file.entries(), entry);
  }

  long timestampOf(int entry) {
    return TimeIndexDescriptor.timestamp(file.entries(), entry);
  }

  long lastTimestamp() {
    int n = file.count();
    return n == 0 ? -1 : TimeIndexDescriptor.timestamp(file.entries(), n - 1);
  }

  int lastRelativeOffset() {
    int n = file.count();
    return n == 0 ? -1 : TimeIndexDescriptor.relativeOffset(file.entries(), n - 1);
  }

  boolean isFull() {
    return file.count() >= file.maxEntries() - 1;
  }

  /** Drops the entries whose offset is at or after {@code relativeOffset}. */
  void truncateToOffset(long relativeOffset) throws IOException {
    int keep = file.count();
    ByteBuffer e = file.entries();
    while (keep > 0 && TimeIndexDescriptor.relativeOffset(e, keep - 1) >= relativeOffset) {
      keep--;
    }
    file.truncateTo(keep);
  }

  /** Strictly increasing timestamps, non-decreasing offsets. */
  Optional<String> sanityCheck() {
    int n = file.count();
    ByteBuffer e = file.entries();
    long prevTs = Long.MIN_VALUE;
    int prevOffset = -1;
    for (int i = 0; i < n; i++) {
      long ts = TimeIndexDescriptor.timestamp(e, i);
      int rel = TimeIndexDescriptor.relativeOffset(e, i);
      if (ts <= prevTs || rel < prevOffset || rel < 0) {
        return Optional.of("time index entry " + i + " out of order or range: timestamp=" + ts
            + ", relativeOffset=" + rel);
      }
      prevTs = ts;
      prevOffset = rel;
    }
    return Optional.empty();
  }
}
