package io.samsa.spi.format;

import static io.samsa.spi.format.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.samsa.spi.format.RecordBatchDescriptor.HEADER_SIZE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Walks the record batches of a segment's bytes, header by header, through a small window, so
 * that neither a scan nor a checksum needs a whole batch (or a whole file) in memory. A backend
 * uses it to find batch boundaries and, with {@link #recover}, to validate its tail after a crash.
 *
 * <pre>{@code
 * BatchScanner scan = new BatchScanner(channel::read, 0, channel.size());
 * while (scan.next()) {
 *   index(scan.position(), scan.lastOffset(), scan.maxTimestamp());
 * }
 * scan.problem().ifPresent(reason -> ...);   // the bytes after the last whole batch
 * }</pre>
 *
 * <p>Not thread-safe; one scanner per scan.
 */
public final class BatchScanner {
  private static final int DEFAULT_WINDOW = 64 * 1024;
  /**
   * The window of {@link #locate}: it reads batch headers only (the caller reads the batches), so
   * a small window, that one read fills with the header at an index entry and usually the next,
   * saves copying up to 64 KiB that nobody looks at per point read.
   */
  static final int LOCATE_WINDOW = 4 * 1024;
  /** The largest window of a recovery scan (see {@link #forRecovery}). */
  static final int RECOVERY_WINDOW = 256 * 1024;

  private final PositionalReader source;
  private final long end;
  private final ByteBuffer window;
  private long windowStart;
  private int windowLength;

  private long next;
  private long position = -1;
  private int at;
  private int size;
  private Optional<String> problem = Optional.empty();

  /**
   * @param source the bytes
   * @param start the position of the first batch
   * @param end the position after the last byte to scan (usually the source's size)
   */
  public BatchScanner(PositionalReader source, long start, long end) {
    this(source, start, end, DEFAULT_WINDOW);
  }

  BatchScanner(PositionalReader source, long start, long end, int windowBytes) {
    this(source, start, end, ByteBuffer.allocate(windowBytes));
  }

  private BatchScanner(PositionalReader source, long start, long end, ByteBuffer window) {
    this.source = source;
    this.end = end;
    this.next = start;
    this.window = window;
    this.windowStart = start;
  }

  /**
   * A scanner for a whole recovery pass: its window is direct (a positional read fills it
   * without the copy through the JDK's temporary direct buffer that a heap window costs, and the
   * CRC reads it in place) and as large as {@value #RECOVERY_WINDOW} bytes, so that a 1 GiB
   * segment takes a few thousand reads rather than sixteen thousand.
   */
  static BatchScanner forRecovery(PositionalReader source, long start, long end) {
    int bytes = (int) Math.max(HEADER_SIZE, Math.min(RECOVERY_WINDOW, end - start));
    return new BatchScanner(source, start, end, ByteBuffer.allocateDirect(bytes));
  }

  /**
   * Moves to the next batch whose frame is whole and sane (see {@link
   * BatchValidator#checkFrame}) and lies entirely before the end. The fields the CRC covers are
   * not checked: call {@link #verifyCrc()} before trusting them.
   *
   * @return false at the end of the bytes, or at bytes that are not such a batch; {@link
   *     #problem()} tells which
   */
  public boolean next() throws IOException {
    if (problem.isPresent() || next >= end) {
      return false;
    }
    int wanted = (int) Math.min(HEADER_SIZE, end - next);
    if (!ensure(next, wanted)) {
      problem = Optional.of("bytes end inside a batch header: available=" + (end - next));
      return false;
    }
    at = (int) (next - windowStart);
    // The header lies in the window; its length is judged against the real end of the bytes.
    problem = BatchValidator.checkFrame(window, at, (int) Math.min(end - next, Integer.MAX_VALUE));
    if (problem.isPresent()) {
      return false;
    }
    position = next;
    size = RecordBatchDescriptor.batchSize(window, at);
    next = position + size;
    return true;
  }

  /**
   * Computes the current batch's CRC-32C, streaming it through the window.
   *
   * @return empty if it matches the stored one, else the mismatch
   */
  public Optional<String> verifyCrc() throws IOException {
    long stored = RecordBatchDescriptor.crc(window, at);
    CRC32C crc = new CRC32C();
    long from = position + ATTRIBUTES_OFFSET;
    long to = position + size;
    while (from < to) {
      int chunk = (int) Math.min(window.capacity(), to - from);
      if (!ensure(from, chunk)) {
        return Optional.of("bytes end inside the batch");
      }
      int offset = (int) (from - windowStart);
      RecordBatchDescriptor.update(crc, window, offset, offset + chunk);
      from += chunk;
    }
    // The header fields must stay readable: bring the header back into the window.
    ensure(position, HEADER_SIZE);
    at = (int) (position - windowStart);
    long computed = crc.getValue();
    if (computed != stored) {
      return Optional.of("CRC-32C mismatch: stored=0x" + Long.toHexString(stored) + ", computed=0x"
          + Long.toHexString(computed));
    }
    return Optional.empty();
  }

  /** Why the scan stopped before the end, or empty if it reached the end cleanly. */
  public Optional<String> problem() {
    return problem;
  }

  /** Marks the scan as stopped at the current batch for {@code reason}. */
  void stop(String reason) {
    problem = Optional.of(reason);
    next = position;
  }

  /** The position just after the last batch {@link #next()} returned (or the start). */
  public long nextPosition() {
    return next;
  }

  public long position() {
    return position;
  }

  public int size() {
    return size;
  }

  public long baseOffset() {
    return RecordBatchDescriptor.baseOffset(window, at);
  }

  public long lastOffset() {
    return RecordBatchDescriptor.lastOffset(window, at);
  }

  public long maxTimestamp() {
    return RecordBatchDescriptor.maxTimestamp(window, at);
  }

  public int partitionLeaderEpoch() {
    return RecordBatchDescriptor.partitionLeaderEpoch(window, at);
  }

  public int recordsCount() {
    return RecordBatchDescriptor.recordsCount(window, at);
  }

  /** Makes {@code [from, from + length)} readable in the window; false if the source ends first. */
  private boolean ensure(long from, int length) throws IOException {
    if (from >= windowStart && from + length <= windowStart + windowLength) {
      return true;
    }
    window.clear();
    int want = (int) Math.min(window.capacity(), end - from);
    window.limit(want);
    while (window.hasRemaining()) {
      int n = source.read(window, from + window.position());
      if (n < 0) {
        break;
      }
    }
    windowStart = from;
    windowLength = window.position();
    window.clear();
    return windowLength >= length;
  }

  /**
   * Validates a segment's batches from {@code start}: each must be whole, pass its CRC, have no
   * compression, start at the offset after the previous batch (the first at {@code
   * expectedBaseOffset}) and keep leader epochs from decreasing. Stops at the first batch that
   * fails; the caller truncates there.
   *
   * @param visitor told about every valid batch, in order, e.g. to rebuild indexes
   */
  public static ScanResult recover(
      PositionalReader source, long start, long end, long expectedBaseOffset, BatchVisitor visitor)
      throws IOException {
    BatchScanner scan = forRecovery(source, start, end);
    long nextOffset = expectedBaseOffset;
    int epoch = Integer.MIN_VALUE;
    long batches = 0;
    while (scan.next()) {
      // The CRC first: until it matches, no field it covers can be believed.
      Optional<String> crc = scan.verifyCrc().or(() -> BatchValidator.checkCovered(scan.window, scan.at));
      if (crc.isPresent()) {
        scan.stop(crc.get());
        break;
      }
      Optional<String> sequence = BatchValidator.checkSequence(scan.baseOffset(), scan.lastOffset(),
          scan.partitionLeaderEpoch(), nextOffset, expectedBaseOffset, epoch);
      if (sequence.isPresent()) {
        scan.stop(sequence.get());
        break;
      }
      epoch = scan.partitionLeaderEpoch();
      nextOffset = scan.lastOffset() + 1;
      batches++;
      visitor.visit(scan.position(), scan.size(), scan.baseOffset(), scan.lastOffset(),
          scan.maxTimestamp(), scan.partitionLeaderEpoch());
    }
    return new ScanResult(scan.nextPosition(), nextOffset, batches, scan.problem());
  }

  /**
   * Finds the bytes a {@link io.samsa.spi.Segment#read} returns: whole batches from the one
   * holding {@code startOffset}, stopping before a batch whose base offset is at or above {@code
   * endOffset} or that would take the range past {@code maxBytes} (the first batch always counts).
   *
   * <p>Offsets are checked on the way, because the CRC does not cover a batch's base offset: the
   * batch at {@code from} must be the one the caller expects, and every later batch must start
   * right after the one before.
   *
   * @param name the segment's name, for messages
   * @param from a batch boundary at or before the batch holding {@code startOffset}: the segment
   *     start, or the position of an index entry
   * @param fromLastOffset the last offset of the batch at {@code from}, as the index entry says;
   *     ignored when {@code from} is 0
   * @param segmentBase the base offset the first batch of the segment must have
   * @param limit the end of the bytes that may be read (the segment's published size)
   * @return the range; an empty range at {@code limit} if no batch holds {@code startOffset}; or
   *     null if there is no batch at {@code from}, or not the one the index said (scan again from 0)
   * @throws io.samsa.CorruptRecordException if a batch before the one holding {@code startOffset},
   *     or that one, is out of sequence (a later one only ends the range)
   */
  public static Range locate(PositionalReader source, String name, long from, long fromLastOffset,
      long segmentBase, long limit, long startOffset, long endOffset, int maxBytes)
      throws IOException {
    return locate(source, name, from, fromLastOffset, segmentBase, limit, startOffset, endOffset,
        maxBytes, false);
  }

  /**
   * Like {@link #locate}, but only if the batch at {@code from} (a batch boundary, named by an
   * index entry whose offset, {@code fromLastOffset}, is at or past {@code startOffset}) holds
   * {@code startOffset}; null otherwise, or if there is no such batch at {@code from}. One header
   * read finds a batch this way, where a scan from the entry below it takes two.
   */
  public static Range locateIfFirst(PositionalReader source, String name, long from,
      long fromLastOffset, long limit, long startOffset, long endOffset, int maxBytes)
      throws IOException {
    if (from <= 0 || from >= limit || fromLastOffset < startOffset) {
      return null;
    }
    return locate(source, name, from, fromLastOffset, -1, limit, startOffset, endOffset, maxBytes,
        true);
  }

  private static Range locate(PositionalReader source, String name, long from,
      long fromLastOffset, long segmentBase, long limit, long startOffset, long endOffset,
      int maxBytes, boolean firstOnly) throws IOException {
    BatchScanner scan = new BatchScanner(source, from, limit, LOCATE_WINDOW);
    long first = -1;
    long end = -1;
    boolean seen = false; // a batch was found at from
    long expected = segmentBase;
    while (scan.next()) {
      if (!seen && from != 0) {
        if (scan.lastOffset() != fromLastOffset) {
          return null; // the index entry does not describe this batch
        }
      } else if (scan.baseOffset() != expected) {
        if (first >= 0) {
          break; // serve the good batches before it; a read that starts at it fails
        }
        throw new io.samsa.CorruptRecordException(name, scan.position(), "offset out of sequence: "
            + "baseOffset=" + scan.baseOffset() + ", expected=" + expected);
      }
      seen = true;
      expected = scan.lastOffset() + 1;
      if (first < 0) {
        if (scan.lastOffset() < startOffset) {
          continue;
        }
        if (firstOnly && scan.baseOffset() > startOffset) {
          return null; // the batch wanted lies before this one
        }
        first = scan.position();
        end = scan.nextPosition();
        if (end - first >= maxBytes) {
          break; // any further batch would take the range past maxBytes: no need to read its header
        }
        continue;
      }
      if (scan.baseOffset() >= endOffset || scan.nextPosition() - first > maxBytes) {
        break;
      }
      end = scan.nextPosition();
    }
    if (!seen && from != 0 && from < limit) {
      return null; // no whole batch starts where the index entry says: scan again from 0
    }
    if (first < 0) {
      return new Range(limit, 0);
    }
    return new Range(first, (int) (end - first));
  }

  /**
   * The position of the batch whose base offset is exactly {@code offset}, scanning from the
   * batch boundary {@code from}, or -1 if there is none (the offset is not a batch boundary).
   */
  public static long positionOf(PositionalReader source, long from, long limit, long offset)
      throws IOException {
    BatchScanner scan = new BatchScanner(source, from, limit);
    while (scan.next()) {
      if (scan.baseOffset() == offset) {
        return scan.position();
      }
      if (scan.baseOffset() > offset) {
        break;
      }
    }
    return -1;
  }

  /** A byte range of whole batches: {@code size} bytes from {@code position}. */
  public record Range(long position, int size) {}

  /** Receives each valid batch found by {@link #recover}. */
  @FunctionalInterface
  public interface BatchVisitor {
    void visit(long position, int size, long baseOffset, long lastOffset, long maxTimestamp,
        int partitionLeaderEpoch) throws IOException;
  }

  /**
   * The outcome of {@link #recover}.
   *
   * @param validEnd the position after the last valid batch: everything from here on is to be cut
   * @param nextOffset the offset after the last valid batch
   * @param batches how many valid batches were found
   * @param problem why the scan stopped before the end, or empty if every byte was valid
   */
  public record ScanResult(long validEnd, long nextOffset, long batches, Optional<String> problem) {}
}
