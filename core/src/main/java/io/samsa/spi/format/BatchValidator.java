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
 * bounds, magic 2, no compression, and a matching CRC-32C. Every length is checked against the
 * bytes actually available before anything is read or allocated.
 *
 * <p>{@link #check} reports a problem as a value (recovery expects to meet torn tails);
 * {@link #ensureValid} throws (a reader must never be served a bad batch).
 */
public final class BatchValidator {
  private BatchValidator() {}

  /**
   * Checks the batch at {@code at}, of which {@code available} bytes are in {@code buf}.
   *
   * @return empty if the batch is whole and intact, else what is wrong with it
   */
  public static Optional<String> check(ByteBuffer buf, int at, int available) {
    Optional<String> header = checkHeader(buf, at, available);
    if (header.isPresent()) {
      return header;
    }
    int size = RecordBatchDescriptor.batchSize(buf, at);
    long stored = RecordBatchDescriptor.crc(buf, at);
    long computed = RecordBatchDescriptor.computeCrc(buf, at, size);
    if (stored != computed) {
      return Optional.of("CRC-32C mismatch: stored=0x" + Long.toHexString(stored) + ", computed=0x"
          + Long.toHexString(computed));
    }
    return Optional.empty();
  }

  /**
   * Checks everything but the CRC: that the header is complete, the length is legal and the whole
   * batch is within {@code available}, the magic is 2 and the batch is not compressed.
   *
   * @return empty if so, else what is wrong
   */
  public static Optional<String> checkHeader(ByteBuffer buf, int at, int available) {
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
   * Checks the batch like {@link #check} and throws if it is not intact.
   *
   * @param source the file or stream the bytes came from, for the message
   * @param position the batch's position in that source, for the message
   * @return the batch size in bytes
   * @throws UnsupportedCompressionException if the batch is compressed (naming the codec)
   * @throws CorruptRecordException if anything else is wrong
   */
  public static int ensureValid(ByteBuffer buf, int at, int available, String source, long position) {
    if (available >= HEADER_SIZE
        && RecordBatchDescriptor.magic(buf, at) == RecordBatchDescriptor.MAGIC
        && RecordBatchDescriptor.compressionCodec(buf, at) != 0) {
      throw new UnsupportedCompressionException(
          Compression.name(RecordBatchDescriptor.compressionCodec(buf, at)), source, position);
    }
    Optional<String> problem = check(buf, at, available);
    if (problem.isPresent()) {
      throw new CorruptRecordException(source, position, problem.get());
    }
    return RecordBatchDescriptor.batchSize(buf, at);
  }
}
