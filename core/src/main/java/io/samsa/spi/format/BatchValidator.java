package io.samsa.spi.format;

import static io.samsa.spi.format.RecordBatchDescriptor.HEADER_SIZE;
import static io.samsa.spi.format.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.samsa.spi.format.RecordBatchDescriptor.MIN_BATCH_LENGTH;

import io.samsa.CorruptRecordException;
import io.samsa.UnsupportedCompressionException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Checks that bytes hold a whole, intact record batch: a complete header, a length within
 * bounds, magic 2, a matching CRC-32C, and then no compression. Every length is checked against the
 * bytes actually available before anything is read or allocated.
 *
 * <p>{@link #check} reports a problem as a value (recovery expects to meet torn tails);
 * {@link #ensureValid} throws (a reader must never be served a bad batch).
 */
public final class BatchValidator {
  private BatchValidator() {}

  /**
   * Checks the batch at {@code at}, of which {@code available} bytes are in {@code buf}: its
   * frame, then its CRC, and only then the fields the CRC covers (so that a flipped bit is
   * reported as a checksum failure, not read as a real setting).
   *
   * @return empty if the batch is whole and intact, else what is wrong with it
   */
  public static Optional<String> check(ByteBuffer buf, int at, int available) {
    Optional<String> frame = checkFrame(buf, at, available);
    if (frame.isPresent()) {
      return frame;
    }
    int size = RecordBatchDescriptor.batchSize(buf, at);
    long stored = RecordBatchDescriptor.crc(buf, at);
    long computed = RecordBatchDescriptor.computeCrc(buf, at, size);
    if (stored != computed) {
      return Optional.of("CRC-32C mismatch: stored=0x" + Long.toHexString(stored) + ", computed=0x"
          + Long.toHexString(computed));
    }
    return checkCovered(buf, at);
  }

  /**
   * Checks the frame, which the CRC does not cover: the header is complete, the length is legal,
   * the whole batch lies within {@code available}, and the magic is 2.
   *
   * @return empty if so, else what is wrong
   */
  public static Optional<String> checkFrame(ByteBuffer buf, int at, int available) {
    if (available < LOG_OVERHEAD) {
      return Optional.of("incomplete batch header: available=" + available + " bytes, need "
          + HEADER_SIZE);
    }
    int length = RecordBatchDescriptor.batchLength(buf, at);
    if (length < MIN_BATCH_LENGTH) {
      return Optional.of("batch length below minimum: length=" + length + ", minimum="
          + MIN_BATCH_LENGTH);
    }
    if (available < HEADER_SIZE) {
      return Optional.of("incomplete batch header: available=" + available + " bytes, need "
          + HEADER_SIZE);
    }
    byte magic = RecordBatchDescriptor.magic(buf, at);
    if (magic != RecordBatchDescriptor.MAGIC) {
      return Optional.of("unsupported magic: magic=" + magic + ", expected=2");
    }
    if ((long) length + LOG_OVERHEAD > available) {
      return Optional.of("incomplete batch: size=" + ((long) length + LOG_OVERHEAD)
          + " bytes, available=" + available);
    }
    return Optional.empty();
  }

  /**
   * Checks the header fields the CRC covers, once the CRC has matched: no compression, and a
   * last offset delta that is not negative.
   *
   * @return empty if so, else what is wrong
   */
  public static Optional<String> checkCovered(ByteBuffer buf, int at) {
    int codec = RecordBatchDescriptor.compressionCodec(buf, at);
    if (codec != 0) {
      return Optional.of("compressed batch: codec=" + Compression.name(codec)
          + " (only uncompressed batches are stored)");
    }
    int lastOffsetDelta = RecordBatchDescriptor.lastOffsetDelta(buf, at);
    if (lastOffsetDelta < 0) {
      return Optional.of("negative lastOffsetDelta: lastOffsetDelta=" + lastOffsetDelta);
    }
    return Optional.empty();
  }

  /**
   * Checks that a batch continues a segment: it starts at {@code expectedBaseOffset}, its last
   * offset is within an int of the segment's base (the indexes store relative offsets), and its
   * leader epoch is not below the previous batch's. The CRC does not cover the base offset or the
   * epoch, so these are the only guard on them.
   *
   * @return empty if so, else what is wrong
   */
  public static Optional<String> checkSequence(long baseOffset, long lastOffset, int epoch,
      long expectedBaseOffset, long segmentBase, int previousEpoch) {
    if (baseOffset != expectedBaseOffset) {
      return Optional.of("offset out of sequence: baseOffset=" + baseOffset + ", expected="
          + expectedBaseOffset);
    }
    if (lastOffset - segmentBase > Integer.MAX_VALUE) {
      return Optional.of("offset too far from the segment base: lastOffset=" + lastOffset
          + ", segment base=" + segmentBase);
    }
    if (epoch < previousEpoch) {
      return Optional.of("leader epoch went back: epoch=" + epoch + ", previous=" + previousEpoch);
    }
    return Optional.empty();
  }

  /**
   * Checks the batch like {@link #check} and throws if it is not intact.
   *
   * @param source the file or stream the bytes came from, for the message
   * @param position the batch's position in that source, for the message
   * @return the batch size in bytes
   * @throws UnsupportedCompressionException if the batch is compressed (naming the codec)
   * @throws CorruptRecordException if anything else is wrong
   */
  public static int ensureValid(ByteBuffer buf, int at, int available, String source, long position) {
    Optional<String> problem = checkFrame(buf, at, available);
    if (problem.isEmpty()) {
      int size = RecordBatchDescriptor.batchSize(buf, at);
      long stored = RecordBatchDescriptor.crc(buf, at);
      long computed = RecordBatchDescriptor.computeCrc(buf, at, size);
      if (stored != computed) {
        problem = Optional.of("CRC-32C mismatch: stored=0x" + Long.toHexString(stored)
            + ", computed=0x" + Long.toHexString(computed));
      } else if (RecordBatchDescriptor.compressionCodec(buf, at) != 0) {
        // An intact batch that really is compressed: name the codec.
        throw new UnsupportedCompressionException(
            Compression.name(RecordBatchDescriptor.compressionCodec(buf, at)), source, position);
      } else {
        problem = checkCovered(buf, at);
      }
    }
    if (problem.isPresent()) {
      throw new CorruptRecordException(source, position, problem.get());
    }
    return RecordBatchDescriptor.batchSize(buf, at);
  }
}
