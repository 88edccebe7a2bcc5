package io.samsa.storage.file;

import io.samsa.spi.FileIO;
import io.samsa.spi.format.TimeIndexDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A segment's sparse time index ({@code .timeindex}): Kafka's 12-byte entries of (timestamp,
 * relative offset); see {@link TimeIndexDescriptor}. An entry is added only when the running
 * largest timestamp has grown, and the last slot is kept for the entry written when the segment
 * is sealed, which holds the segment's largest timestamp.
 */
final class TimeIndex extends IndexFile {
  TimeIndex(FileIO io, Path path, int maxBytes) {
    super(io, path, TimeIndexDescriptor.ENTRY_SIZE, maxBytes);
  }

  /** Adds (timestamp, offset) if the timestamp is larger than the last entry's and there is room. */
  void maybeAppend(long timestamp, int relativeOffset, boolean sealing) throws IOException {
    int n = count();
    if (n > 0 && TimeIndexDescriptor.timestamp(entries(), n - 1) >= timestamp) {
      return;
    }
    if (n >= maxEntries() - (sealing ? 0 : 1)) {
      return; // the last slot is for the entry written at seal
    }
    TimeIndexDescriptor.put(slotFor(), n, timestamp, relativeOffset);
    commitAppend();
  }

  /**
   * The relative offset of the last entry whose timestamp is at most {@code target}, or -1 if
   * none: a scan for {@code target} may start at the batch holding it.
   */
  int lookup(long target) {
    int n = count();
    ByteBuffer e = entries();
    int found = floorEntry(n, target, i -> TimeIndexDescriptor.timestamp(e, i));
    return found < 0 ? -1 : TimeIndexDescriptor.relativeOffset(e, found);
  }

  /** The last entry's timestamp, or -1. */
  long lastTimestamp() {
    int n = count();
    return n == 0 ? -1 : TimeIndexDescriptor.timestamp(entries(), n - 1);
  }

  /** The last entry's relative offset, or -1. */
  int lastRelativeOffset() {
    int n = count();
    return n == 0 ? -1 : TimeIndexDescriptor.relativeOffset(entries(), n - 1);
  }

  /** Drops the entries whose offset is at or after {@code relativeOffset}. */
  void truncateToOffset(long relativeOffset) throws IOException {
    int n = count();
    ByteBuffer e = entries();
    int keep = n;
    while (keep > 0 && TimeIndexDescriptor.relativeOffset(e, keep - 1) >= relativeOffset) {
      keep--;
    }
    truncateTo(keep);
  }

  /** Strictly increasing timestamps, non-decreasing offsets below {@code maxRelativeOffset}. */
  Optional<String> sanityCheck(long maxRelativeOffset) {
    int n = count();
    ByteBuffer e = entries();
    long prevTs = Long.MIN_VALUE;
    int prevOffset = -1;
    for (int i = 0; i < n; i++) {
      long ts = TimeIndexDescriptor.timestamp(e, i);
      int rel = TimeIndexDescriptor.relativeOffset(e, i);
      if (ts <= prevTs || rel < prevOffset || rel < 0 || rel > maxRelativeOffset) {
        return Optional.of("entry " + i + " out of order or range: timestamp=" + ts
            + ", relativeOffset=" + rel);
      }
      prevTs = ts;
      prevOffset = rel;
    }
    return Optional.empty();
  }
}
