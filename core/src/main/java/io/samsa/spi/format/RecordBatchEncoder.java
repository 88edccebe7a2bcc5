package io.samsa.spi.format;

import static io.samsa.spi.format.RecordBatchDescriptor.HEADER_SIZE;
import static io.samsa.spi.format.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.samsa.spi.format.Varints.putVarint;
import static io.samsa.spi.format.Varints.putVarlong;
import static io.samsa.spi.format.Varints.sizeOfVarint;
import static io.samsa.spi.format.Varints.sizeOfVarlong;

import io.samsa.Header;
import io.samsa.ProducerRecord;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes records into one uncompressed record batch (magic 2, CreateTime), byte for byte as
 * Kafka's clients would. Allocates nothing per record: sizes are computed arithmetically
 * (header keys included, whose UTF-8 form is written straight into the buffer).
 *
 * <p>Each record inside the batch is:
 *
 * <pre>
 *  length          varint   bytes of the rest of the record
 *  attributes      int8     0
 *  timestampDelta  varlong  timestamp - baseTimestamp
 *  offsetDelta     varint   offset - baseOffset
 *  keyLength       varint   -1 for a null key
 *  key             bytes
 *  valueLength     varint   -1 for a null value
 *  value           bytes
 *  headerCount     varint
 *  headers         per header: keyLength varint, UTF-8 key, valueLength varint (-1 null), value
 * </pre>
 *
 * <p>Records without a timestamp are stamped with the append time given to {@link #encode}.
 */
public final class RecordBatchEncoder {
  private RecordBatchEncoder() {}

  /**
   * The exact size of the batch {@link #encode} would write for these records, as a long so that
   * an oversized batch can be reported rather than overflow.
   */
  public static long batchSize(List<ProducerRecord> records, long appendTimeMs) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("a record batch needs at least one record");
    }
    long baseTimestamp = timestampOf(records.get(0), appendTimeMs);
    long size = HEADER_SIZE;
    for (int i = 0; i < records.size(); i++) {
      ProducerRecord r = records.get(i);
      long body = bodySize(r, i, timestampOf(r, appendTimeMs) - baseTimestamp);
      if (body > Integer.MAX_VALUE) {
        return Long.MAX_VALUE;
      }
      size += sizeOfVarint((int) body) + body;
    }
    return size;
  }

  /**
   * Writes the batch at {@code dst}'s position and advances it. The caller sizes {@code dst} with
   * {@link #batchSize}.
   *
   * @param records at least one record
   * @param baseOffset the offset of the first record
   * @param partitionLeaderEpoch the leader epoch to stamp, or -1
   * @param appendTimeMs the timestamp given to records without one
   * @return the number of bytes written
   */
  public static int encode(
      ByteBuffer dst, List<ProducerRecord> records, long baseOffset, int partitionLeaderEpoch, long appendTimeMs) {
    RecordBatchDescriptor.requireBigEndian(dst);
    if (records.isEmpty()) {
      throw new IllegalArgumentException("a record batch needs at least one record");
    }
    int at = dst.position();
    long baseTimestamp = timestampOf(records.get(0), appendTimeMs);
    long maxTimestamp = baseTimestamp;

    dst.position(at + HEADER_SIZE);
    for (int i = 0; i < records.size(); i++) {
      ProducerRecord r = records.get(i);
      long timestamp = timestampOf(r, appendTimeMs);
      maxTimestamp = Math.max(maxTimestamp, timestamp);
      long timestampDelta = timestamp - baseTimestamp;
      putVarint(dst, (int) bodySize(r, i, timestampDelta));
      dst.put((byte) 0);
      putVarlong(dst, timestampDelta);
      putVarint(dst, i);
      putBytes(dst, r.key());
      putBytes(dst, r.value());
      List<Header> headers = r.headers();
      putVarint(dst, headers.size());
      for (int h = 0; h < headers.size(); h++) {
        Header header = headers.get(h);
        putVarint(dst, utf8Length(header.key()));
        putUtf8(dst, header.key());
        putBytes(dst, header.value());
      }
    }
    int size = dst.position() - at;

    dst.putLong(at + RecordBatchDescriptor.BASE_OFFSET_OFFSET, baseOffset);
    dst.putInt(at + RecordBatchDescriptor.LENGTH_OFFSET, size - LOG_OVERHEAD);
    dst.putInt(at + RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
    dst.put(at + RecordBatchDescriptor.MAGIC_OFFSET, RecordBatchDescriptor.MAGIC);
    dst.putShort(at + RecordBatchDescriptor.ATTRIBUTES_OFFSET, (short) 0);
    dst.putInt(at + RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, records.size() - 1);
    dst.putLong(at + RecordBatchDescriptor.BASE_TIMESTAMP_OFFSET, baseTimestamp);
    dst.putLong(at + RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET, maxTimestamp);
    dst.putLong(at + RecordBatchDescriptor.PRODUCER_ID_OFFSET, RecordBatchDescriptor.NO_PRODUCER_ID);
    dst.putShort(at + RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET, RecordBatchDescriptor.NO_PRODUCER_EPOCH);
    dst.putInt(at + RecordBatchDescriptor.BASE_SEQUENCE_OFFSET, RecordBatchDescriptor.NO_SEQUENCE);
    dst.putInt(at + RecordBatchDescriptor.RECORDS_COUNT_OFFSET, records.size());
    RecordBatchDescriptor.writeCrc(dst, at, size);
    return size;
  }

  private static long timestampOf(ProducerRecord r, long appendTimeMs) {
    return r.timestamp() == ProducerRecord.NO_TIMESTAMP ? appendTimeMs : r.timestamp();
  }

  private static long bodySize(ProducerRecord r, int offsetDelta, long timestampDelta) {
    long size = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta);
    size += sizeOfBytes(r.key()) + sizeOfBytes(r.value());
    List<Header> headers = r.headers();
    size += sizeOfVarint(headers.size());
    for (int h = 0; h < headers.size(); h++) {
      Header header = headers.get(h);
      int keyLength = utf8Length(header.key());
      size += sizeOfVarint(keyLength) + keyLength + sizeOfBytes(header.value());
    }
    return size;
  }

  private static long sizeOfBytes(byte[] bytes) {
    return bytes == null ? 1 : sizeOfVarint(bytes.length) + (long) bytes.length;
  }

  private static void putBytes(ByteBuffer dst, byte[] bytes) {
    if (bytes == null) {
      putVarint(dst, -1);
    } else {
      putVarint(dst, bytes.length);
      dst.put(bytes);
    }
  }

  /** The length of {@code s.getBytes(UTF_8)}: unpaired surrogates become '?', as in the JDK. */
  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n += 1;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static void putUtf8(ByteBuffer dst, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        dst.put((byte) c);
      } else if (c < 0x800) {
        dst.put((byte) (0xc0 | (c >> 6)));
        dst.put((byte) (0x80 | (c & 0x3f)));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        dst.put((byte) (0xf0 | (cp >> 18)));
        dst.put((byte) (0x80 | ((cp >> 12) & 0x3f)));
        dst.put((byte) (0x80 | ((cp >> 6) & 0x3f)));
        dst.put((byte) (0x80 | (cp & 0x3f)));
      } else if (Character.isSurrogate(c)) {
        dst.put((byte) '?');
      } else {
        dst.put((byte) (0xe0 | (c >> 12)));
        dst.put((byte) (0x80 | ((c >> 6) & 0x3f)));
        dst.put((byte) (0x80 | (c & 0x3f)));
      }
    }
  }
}
