package io.samsa.storage.file;

import io.samsa.spi.FileIO;
import io.samsa.spi.format.OffsetIndexDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A segment's sparse offset index ({@code .index}): Kafka's 8-byte entries of (relative offset,
 * position), one per {@code index.interval.bytes} of batches; see {@link OffsetIndexDescriptor}.
 * Each entry pairs the last offset of a batch with the position where that batch starts.
 */
final class OffsetIndex extends IndexFile {
  OffsetIndex(FileIO io, Path path, int maxBytes) {
    super(io, path, OffsetIndexDescriptor.ENTRY_SIZE, maxBytes);
  }

  void append(int relativeOffset, int position) throws IOException {
    OffsetIndexDescriptor.put(slotFor(), count(), relativeOffset, position);
    commitAppend();
  }

  /**
   * The number of the last entry whose relative offset is at most {@code relativeOffset}, or -1
   * if none: the batch holding the offset starts at that entry's position or later.
   */
  int floorEntry(long relativeOffset) {
    int n = count();
    ByteBuffer e = entries();
    return floorEntry(n, relativeOffset, i -> OffsetIndexDescriptor.relativeOffset(e, i));
  }

  /** The position of the last entry at or below {@code relativeOffset}, or 0. */
  int lookup(long relativeOffset) {
    int entry = floorEntry(relativeOffset);
    return entry < 0 ? 0 : OffsetIndexDescriptor.position(entries(), entry);
  }

  int relativeOffsetOf(int entry) {
    return OffsetIndexDescriptor.relativeOffset(entries(), entry);
  }

  int positionOf(int entry) {
    return OffsetIndexDescriptor.position(entries(), entry);
  }

  /** The position of the last entry, or 0 if there is none. */
  int lastPosition() {
    int n = count();
    return n == 0 ? 0 : OffsetIndexDescriptor.position(entries(), n - 1);
  }

  /** Drops the entries of batches at or after {@code position}. */
  void truncateToPosition(long position) throws IOException {
    int n = count();
    ByteBuffer e = entries();
    int keep = n;
    while (keep > 0 && OffsetIndexDescriptor.position(e, keep - 1) >= position) {
      keep--;
    }
    truncateTo(keep);
  }

  /**
   * Checks the loaded entries: strictly increasing offsets and positions, within the segment.
   *
   * @return empty if sane, else what is wrong
   */
  java.util.Optional<String> sanityCheck(long logSize) {
    int n = count();
    ByteBuffer e = entries();
    int prevOffset = -1;
    int prevPosition = -1;
    for (int i = 0; i < n; i++) {
      int rel = OffsetIndexDescriptor.relativeOffset(e, i);
      int pos = OffsetIndexDescriptor.position(e, i);
      if (rel <= prevOffset || pos <= prevPosition || pos >= logSize) {
        return java.util.Optional.of("entry " + i + " out of order or range: relativeOffset=" + rel
            + ", position=" + pos + ", previous=(" + prevOffset + ", " + prevPosition
            + "), log size=" + logSize);
      }
      prevOffset = rel;
      prevPosition = pos;
    }
    return java.util.Optional.empty();
  }
}
