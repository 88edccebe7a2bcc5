package io.samsa.spi.format;

import java.nio.ByteBuffer;

/**
 * The entry layout of a sparse time index ({@code .timeindex}), as Kafka's.
 *
 * <pre>
 *  offset  size  field
 *       0     8  timestamp       the largest record timestamp seen up to this entry
 *       8     4  relativeOffset  the last offset of the batch where that timestamp was first
 *                                reached, minus the segment's base offset
 * </pre>
 *
 * <p>Timestamps strictly increase from entry to entry. Every record before the batch holding an
 * entry's offset has a timestamp below the entry's, so a lookup for {@code t} may start scanning
 * at the offset of the last entry whose timestamp is at most {@code t}. When a segment is sealed a
 * last entry records its largest timestamp, which time-based retention reads.
 */
public final class TimeIndexDescriptor {
  public static final int ENTRY_SIZE = 12;
  public static final int TIMESTAMP_OFFSET = 0;
  public static final int RELATIVE_OFFSET_OFFSET = 8;

  private TimeIndexDescriptor() {}

  public static long timestamp(ByteBuffer buf, int entry) {
    return buf.getLong(entry * ENTRY_SIZE + TIMESTAMP_OFFSET);
  }

  public static int relativeOffset(ByteBuffer buf, int entry) {
    return buf.getInt(entry * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET);
  }

  public static void put(ByteBuffer buf, int entry, long timestamp, int relativeOffset) {
    buf.putLong(entry * ENTRY_SIZE + TIMESTAMP_OFFSET, timestamp);
    buf.putInt(entry * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET, relativeOffset);
  }
}
