package io.samsa.spi.format;

import java.nio.ByteBuffer;

/**
 * The entry layout of a sparse offset index ({@code .index}), as Kafka's.
 *
 * <pre>
 *  offset  size  field
 *       0     4  relativeOffset  an offset minus the segment's base offset
 *       4     4  position        byte position in the .log of the batch that holds the offset
 * </pre>
 *
 * <p>Entries strictly increase in both fields. An entry pairs the last offset of a batch with the
 * position where that batch starts, so every entry points at a batch boundary.
 */
public final class OffsetIndexDescriptor {
  public static final int ENTRY_SIZE = 8;
  public static final int RELATIVE_OFFSET_OFFSET = 0;
  public static final int POSITION_OFFSET = 4;

  private OffsetIndexDescriptor() {}

  public static int relativeOffset(ByteBuffer buf, int entry) {
    return buf.getInt(entry * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET);
  }

  public static int position(ByteBuffer buf, int entry) {
    return buf.getInt(entry * ENTRY_SIZE + POSITION_OFFSET);
  }

  public static void put(ByteBuffer buf, int entry, int relativeOffset, int position) {
    buf.putInt(entry * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET, relativeOffset);
    buf.putInt(entry * ENTRY_SIZE + POSITION_OFFSET, position);
  }
}
