package io.samsa.spi.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The layout of a record batch: Kafka's message format v2 (magic 2), byte for byte. All integers
 * are big-endian; {@code at} arguments are absolute buffer indexes of a batch's first byte.
 *
 * <pre>
 *  offset  size  field
 *  ------  ----  ---------------------------------------------------------------
 *       0     8  baseOffset            offset of the first record
 *       8     4  batchLength           bytes after this field (batch size - 12)
 *      12     4  partitionLeaderEpoch  leader epoch at append, -1 if none
 *      16     1  magic                 2
 *      17     4  crc                   CRC-32C of bytes [21, end of batch)
 *      21     2  attributes            bits 0-2 codec, 3 timestamp type,
 *                                      4 transactional, 5 control, 6 delete horizon
 *      23     4  lastOffsetDelta       last offset - baseOffset
 *      27     8  baseTimestamp         timestamp of the first record
 *      35     8  maxTimestamp          largest record timestamp
 *      43     8  producerId            -1 if none
 *      51     2  producerEpoch         -1 if none
 *      53     4  baseSequence          -1 if none
 *      57     4  recordsCount          number of records
 *      61   ...  records               see {@link RecordBatchEncoder}
 * </pre>
 *
 * <p>The CRC leaves out the offset, length, epoch and magic, so that a leader can assign offsets
 * and stamp its epoch without recomputing it; those fields are checked for consistency instead.
 */
public final class RecordBatchDescriptor {
  public static final int BASE_OFFSET_OFFSET = 0;
  public static final int LENGTH_OFFSET = 8;
  public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
  public static final int MAGIC_OFFSET = 16;
  public static final int CRC_OFFSET = 17;
  public static final int ATTRIBUTES_OFFSET = 21;
  public static final int LAST_OFFSET_DELTA_OFFSET = 23;
  public static final int BASE_TIMESTAMP_OFFSET = 27;
  public static final int MAX_TIMESTAMP_OFFSET = 35;
  public static final int PRODUCER_ID_OFFSET = 43;
  public static final int PRODUCER_EPOCH_OFFSET = 51;
  public static final int BASE_SEQUENCE_OFFSET = 53;
  public static final int RECORDS_COUNT_OFFSET = 57;
  public static final int RECORDS_OFFSET = 61;

  /** Bytes before the records: the whole header. */
  public static final int HEADER_SIZE = RECORDS_OFFSET;
  /** The offset and length fields that precede every batch of every magic. */
  public static final int LOG_OVERHEAD = 12;
  /** The smallest legal value of {@code batchLength}. */
  public static final int MIN_BATCH_LENGTH = HEADER_SIZE - LOG_OVERHEAD;

  public static final byte MAGIC = 2;
  public static final int COMPRESSION_CODEC_MASK = 0x07;
  public static final int TIMESTAMP_TYPE_MASK = 0x08;
  public static final int TRANSACTIONAL_MASK = 0x10;
  public static final int CONTROL_MASK = 0x20;

  public static final int NO_PARTITION_LEADER_EPOCH = -1;
  public static final long NO_PRODUCER_ID = -1L;
  public static final short NO_PRODUCER_EPOCH = -1;
  public static final int NO_SEQUENCE = -1;
  public static final long NO_TIMESTAMP = -1L;

  private RecordBatchDescriptor() {}

  public static long baseOffset(ByteBuffer buf, int at) {
    return buf.getLong(at + BASE_OFFSET_OFFSET);
  }

  public static void baseOffset(ByteBuffer buf, int at, long baseOffset) {
    buf.putLong(at + BASE_OFFSET_OFFSET, baseOffset);
  }

  public static int batchLength(ByteBuffer buf, int at) {
    return buf.getInt(at + LENGTH_OFFSET);
  }

  /** The whole batch's size in bytes: {@code batchLength + 12}. */
  public static int batchSize(ByteBuffer buf, int at) {
    return buf.getInt(at + LENGTH_OFFSET) + LOG_OVERHEAD;
  }

  public static int partitionLeaderEpoch(ByteBuffer buf, int at) {
    return buf.getInt(at + PARTITION_LEADER_EPOCH_OFFSET);
  }

  public static void partitionLeaderEpoch(ByteBuffer buf, int at, int epoch) {
    buf.putInt(at + PARTITION_LEADER_EPOCH_OFFSET, epoch);
  }

  public static byte magic(ByteBuffer buf, int at) {
    return buf.get(at + MAGIC_OFFSET);
  }

  /** The stored checksum, as an unsigned 32-bit value. */
  public static long crc(ByteBuffer buf, int at) {
    return buf.getInt(at + CRC_OFFSET) & 0xffffffffL;
  }

  public static short attributes(ByteBuffer buf, int at) {
    return buf.getShort(at + ATTRIBUTES_OFFSET);
  }

  /** The compression codec id: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  public static int compressionCodec(ByteBuffer buf, int at) {
    return attributes(buf, at) & COMPRESSION_CODEC_MASK;
  }

  public static int lastOffsetDelta(ByteBuffer buf, int at) {
    return buf.getInt(at + LAST_OFFSET_DELTA_OFFSET);
  }

  public static long lastOffset(ByteBuffer buf, int at) {
    return baseOffset(buf, at) + lastOffsetDelta(buf, at);
  }

  public static long baseTimestamp(ByteBuffer buf, int at) {
    return buf.getLong(at + BASE_TIMESTAMP_OFFSET);
  }

  public static long maxTimestamp(ByteBuffer buf, int at) {
    return buf.getLong(at + MAX_TIMESTAMP_OFFSET);
  }

  public static long producerId(ByteBuffer buf, int at) {
    return buf.getLong(at + PRODUCER_ID_OFFSET);
  }

  public static short producerEpoch(ByteBuffer buf, int at) {
    return buf.getShort(at + PRODUCER_EPOCH_OFFSET);
  }

  public static int baseSequence(ByteBuffer buf, int at) {
    return buf.getInt(at + BASE_SEQUENCE_OFFSET);
  }

  public static int recordsCount(ByteBuffer buf, int at) {
    return buf.getInt(at + RECORDS_COUNT_OFFSET);
  }

  /** Computes the CRC-32C of bytes {@code [at + 21, at + size)}. */
  public static long computeCrc(ByteBuffer buf, int at, int size) {
    CRC32C crc = new CRC32C();
    update(crc, buf, at + ATTRIBUTES_OFFSET, at + size);
    return crc.getValue();
  }

  /** Computes and stores the batch's CRC; call after every covered field is final. */
  public static void writeCrc(ByteBuffer buf, int at, int size) {
    buf.putInt(at + CRC_OFFSET, (int) computeCrc(buf, at, size));
  }

  static void update(CRC32C crc, ByteBuffer buf, int from, int to) {
    if (buf.hasArray()) {
      crc.update(buf.array(), buf.arrayOffset() + from, to - from);
    } else {
      ByteBuffer view = buf.duplicate();
      view.limit(to).position(from);
      crc.update(view);
    }
  }

  static void requireBigEndian(ByteBuffer buf) {
    if (buf.order() != ByteOrder.BIG_ENDIAN) {
      throw new IllegalArgumentException("record batches are big-endian: buffer order=" + buf.order());
    }
  }
}
