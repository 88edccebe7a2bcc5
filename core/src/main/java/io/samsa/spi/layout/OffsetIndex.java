package io.samsa.spi.layout;

import io.samsa.spi.format.OffsetIndexDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A segment's sparse offset index: Kafka's 8-byte entries of (relative offset, position); see
 * {@link OffsetIndexDescriptor}. Each entry pairs the last offset of a batch with the position
 * where that batch starts.
 */
final class OffsetIndex {
  final IndexFile file;

  OffsetIndex(IndexFile file) {
    this.file = file;
  }

  void append(int relativeOffset, int position) throws IOException {
    file.append((buf, n) -> OffsetIndexDescriptor.put(buf, n, relativeOffset, position));
  }

  /** The number of the last entry at or below {@code relativeOffset}, or -1. */
  int floorEntry(long relativeOffset) {
    int n = file.count();
    ByteBuffer e = file.entries();
    return IndexFile.floorEntry(n, relativeOffset, i -> OffsetIndexDescriptor.relativeOffset(e, i));
  }

  int relativeOffsetOf(int entry) {
    return OffsetIndexDescriptor.relativeOffset(file.entries(), entry);
  }

  int positionOf(int entry) {
    return OffsetIndexDescriptor.position(file.entries(), entry);
  }

  /** The position of the last entry at or below {@code relativeOffset}, or 0. */
  int lookup(long relativeOffset) {
    int entry = floorEntry(relativeOffset);
    return entry < 0 ? 0 : positionOf(entry);
  }

  /** The position of the last entry, or 0. */
  int lastPosition() {
    int n = file.count();
    return n == 0 ? 0 : OffsetIndexDescriptor.position(file.entries(), n - 1);
  }

  /** Drops the entries of batches at or after {@code position}. */
  void truncateToPosition(long position) throws IOException {
    int keep = file.count();
    ByteBuffer e = file.entries();
    while (keep > 0 && OffsetIndexDescriptor.position(e, keep - 1) >= position) {
      keep--;
    }
    file.truncateTo(keep);
  }

  /** Strictly increasing offsets and positions, within the segment. */
  Optional<String> sanityCheck(long logSize) {
    int n = file.count();
    ByteBuffer e = file.entries();
    int prevOffset = -1;
    int prevPosition = -1;
    for (int i = 0; i < n; i++) {
      int rel = OffsetIndexDescriptor.relativeOffset(e, i);
      int pos = OffsetIndexDescriptor.position(e, i);
      if (rel <= prevOffset || pos <= prevPosition || pos >= logSize) {
        return Optional.of("offset index entry " + i + " out of order or range: relativeOffset="
            + rel + ", position=" + pos + ", previous=(" + prevOffset + ", " + prevPosition
            + "), log size=" + logSize);
      }
      prevOffset = rel;
      prevPosition = pos;
    }
    return Optional.empty();
  }
}
