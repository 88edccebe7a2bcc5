package io.samsa.spi.format;

import static io.samsa.spi.format.RecordBatchDescriptor.HEADER_SIZE;

import io.samsa.CorruptRecordException;
import io.samsa.Header;
import io.samsa.LogRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the records of a batch that {@link BatchValidator} accepted. Every varint and length is
 * bounded by the end of the record it belongs to before anything is allocated, so hostile bytes
 * produce a {@link CorruptRecordException}, never an {@code OutOfMemoryError} or a wrong record.
 *
 * <p>Records must have strictly increasing offset deltas within {@code [0, lastOffsetDelta]},
 * their count must match the header's, and they must fill the batch exactly.
 */
public final class RecordBatchDecoder {
  private RecordBatchDecoder() {}

  /**
   * Appends the batch's records with offsets at or above {@code minOffset} to {@code out}.
   *
   * @param source the batch's file or stream, for error messages
   * @param position the batch's position in {@code source}, for error messages
   * @throws CorruptRecordException if the records are malformed
   */
  public static void decode(
      ByteBuffer buf, int at, long minOffset, List<LogRecord> out, String source, long position) {
    Walker w = new Walker(buf, at, source, position);
    long baseOffset = RecordBatchDescriptor.baseOffset(buf, at);
    boolean logAppendTime = (RecordBatchDescriptor.attributes(buf, at)
        & RecordBatchDescriptor.TIMESTAMP_TYPE_MASK) != 0;
    long baseTimestamp = RecordBatchDescriptor.baseTimestamp(buf, at);
    long maxTimestamp = RecordBatchDescriptor.maxTimestamp(buf, at);
    while (w.next()) {
      long offset = baseOffset + w.offsetDelta;
      if (offset < minOffset) {
        continue;
      }
      long timestamp = logAppendTime ? maxTimestamp : baseTimestamp + w.timestampDelta;
      out.add(new LogRecord(offset, timestamp, w.bytes(w.keyPos, w.keyLength),
          w.bytes(w.valuePos, w.valueLength), w.headers()));
    }
  }

  /** Decodes all records of the batch; see {@link #decode(ByteBuffer, int, long, List, String, long)}. */
  public static List<LogRecord> decode(ByteBuffer buf, int at, String source, long position) {
    List<LogRecord> out = new ArrayList<>(Math.max(0, Math.min(1024,
        RecordBatchDescriptor.recordsCount(buf, at))));
    decode(buf, at, Long.MIN_VALUE, out, source, position);
    return out;
  }

  /**
   * The offset of the first record at or above {@code minOffset} whose timestamp is at or after
   * {@code targetTimestamp}, or -1 if there is none in this batch.
   */
  public static long firstOffsetAtOrAfter(
      ByteBuffer buf, int at, long targetTimestamp, long minOffset, String source, long position) {
    long baseOffset = RecordBatchDescriptor.baseOffset(buf, at);
    long maxTimestamp = RecordBatchDescriptor.maxTimestamp(buf, at);
    if ((RecordBatchDescriptor.attributes(buf, at) & RecordBatchDescriptor.TIMESTAMP_TYPE_MASK) != 0) {
      long last = RecordBatchDescriptor.lastOffset(buf, at);
      return maxTimestamp >= targetTimestamp && last >= minOffset ? Math.max(baseOffset, minOffset) : -1;
    }
    long baseTimestamp = RecordBatchDescriptor.baseTimestamp(buf, at);
    Walker w = new Walker(buf, at, source, position);
    while (w.next()) {
      long offset = baseOffset + w.offsetDelta;
      if (offset >= minOffset && baseTimestamp + w.timestampDelta >= targetTimestamp) {
        return offset;
      }
    }
    return -1;
  }

  /**
   * Walks every record of the batch and checks its structure, allocating nothing per record.
   *
   * @throws CorruptRecordException if a record is malformed
   */
  public static void checkRecords(ByteBuffer buf, int at, String source, long position) {
    Walker w = new Walker(buf, at, source, position);
    while (w.next()) {
      // next() checks each record
    }
  }

  /** A cursor over the records of one batch; one instance per batch, none per record. */
  private static final class Walker {
    private final ByteBuffer buf;
    private final String source;
    private final long position;
    private final int batchEnd;
    private final int lastOffsetDelta;
    private final int count;
    private int index;
    private int pos;

    int offsetDelta = -1;
    long timestampDelta;
    int keyPos;
    int keyLength;
    int valuePos;
    int valueLength;
    int headersPos;
    int headerCount;

    Walker(ByteBuffer buf, int at, String source, long position) {
      this.buf = buf;
      this.source = source;
      this.position = position;
      this.batchEnd = at + RecordBatchDescriptor.batchSize(buf, at);
      this.lastOffsetDelta = RecordBatchDescriptor.lastOffsetDelta(buf, at);
      this.count = RecordBatchDescriptor.recordsCount(buf, at);
      this.pos = at + HEADER_SIZE;
      if (count < 0) {
        throw corrupt("negative record count: recordsCount=" + count);
      }
    }

    boolean next() {
      if (index == count) {
        if (pos != batchEnd) {
          throw corrupt("records end before the batch does: recordsCount=" + count + ", unread bytes="
              + (batchEnd - pos));
        }
        return false;
      }
      int length = varint(batchEnd);
      if (length < 0 || length > batchEnd - pos) {
        throw corrupt("record " + index + " length out of bounds: length=" + length + ", remaining="
            + (batchEnd - pos));
      }
      int end = pos + length;
      byte1(end); // attributes, unused
      timestampDelta = varlong(end);
      int delta = varint(end);
      if (delta <= offsetDelta || delta > lastOffsetDelta) {
        throw corrupt("record " + index + " offset delta out of order: offsetDelta=" + delta
            + ", previous=" + offsetDelta + ", lastOffsetDelta=" + lastOffsetDelta);
      }
      offsetDelta = delta;
      keyLength = length(end, "key");
      keyPos = pos;
      pos += Math.max(keyLength, 0);
      valueLength = length(end, "value");
      valuePos = pos;
      pos += Math.max(valueLength, 0);
      headerCount = varint(end);
      // Each header takes at least two bytes: bound the count before anyone allocates for it.
      if (headerCount < 0 || headerCount > (end - pos) / 2) {
        throw corrupt("record " + index + " header count out of bounds: headerCount=" + headerCount
            + ", remaining=" + (end - pos));
      }
      headersPos = pos;
      for (int h = 0; h < headerCount; h++) {
        int keyLen = length(end, "header key");
        if (keyLen < 0) {
          throw corrupt("record " + index + " has a null header key");
        }
        pos += keyLen;
        int valueLen = length(end, "header value");
        pos += Math.max(valueLen, 0);
      }
      if (pos != end) {
        throw corrupt("record " + index + " fields do not fill its length: length=" + length
            + ", used=" + (length - (end - pos)));
      }
      index++;
      return true;
    }

    byte[] bytes(int at, int length) {
      if (length < 0) {
        return null;
      }
      byte[] b = new byte[length];
      buf.get(at, b);
      return b;
    }

    List<Header> headers() {
      if (headerCount == 0) {
        return List.of();
      }
      int saved = pos;
      pos = headersPos;
      List<Header> headers = new ArrayList<>(headerCount);
      for (int h = 0; h < headerCount; h++) {
        int keyLen = varint(saved);
        byte[] key = bytes(pos, keyLen);
        pos += keyLen;
        int valueLen = varint(saved);
        byte[] value = bytes(pos, valueLen);
        pos += Math.max(valueLen, 0);
        headers.add(Header.of(new String(key, StandardCharsets.UTF_8), value));
      }
      pos = saved;
      return headers;
    }

    /** A length field: -1 (null) or a count of bytes that must fit before {@code end}. */
    private int length(int end, String what) {
      int length = varint(end);
      if (length < -1 || length > end - pos) {
        throw corrupt("record " + index + " " + what + " length out of bounds: length=" + length
            + ", remaining=" + (end - pos));
      }
      return length;
    }

    private byte byte1(int end) {
      if (pos >= end) {
        throw corrupt("record " + index + " is truncated");
      }
      return buf.get(pos++);
    }

    private int varint(int end) {
      int raw = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        byte b = byte1(end);
        raw |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return (raw >>> 1) ^ -(raw & 1);
        }
      }
      throw corrupt("record " + index + " has a varint longer than 5 bytes");
    }

    private long varlong(int end) {
      long raw = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        byte b = byte1(end);
        raw |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return (raw >>> 1) ^ -(raw & 1);
        }
      }
      throw corrupt("record " + index + " has a varlong longer than 10 bytes");
    }

    private CorruptRecordException corrupt(String reason) {
      return new CorruptRecordException(source, position, reason);
    }
  }
}
