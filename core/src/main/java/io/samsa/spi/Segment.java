package io.samsa.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One contiguous range of offsets of a partition: a sequence of Kafka record batches, starting at
 * {@link #baseOffset()}, with whatever indexes the backend keeps to find an offset or a timestamp.
 *
 * <h2>What the core guarantees</h2>
 * <ul>
 *   <li>Every batch given to {@link #append} is whole, has passed its checksum, and continues the
 *       segment's offsets densely; the core has assigned its offsets.
 *   <li>Calls that change the segment ({@code append}, {@code truncateTo}, {@code recover},
 *       {@code seal}, {@code close}, {@code delete}) never run concurrently with each other.
 *   <li>{@link #flush} may run concurrently with {@code append} and {@code seal} (a background
 *       flush of the active segment); it must make durable at least every batch whose append
 *       returned before it was called.
 *   <li>{@link #read}, {@link #timestampLookup}, {@link #maxTimestamp} and {@link #sizeInBytes} may
 *       run concurrently with {@code append}, {@code flush} and {@code seal}, and with each other;
 *       never with {@code truncateTo}, {@code recover}, {@code close} or {@code delete}. A {@link
 *       BatchSlice} is used only until the next such call.
 * </ul>
 *
 * <h2>What the segment guarantees</h2>
 * <ul>
 *   <li>A read sees only batches whose append has completed: never a partly written batch.
 *   <li>After {@link #flush()} returns, every batch appended before it survives a machine crash.
 *   <li>Its indexes are its own business; {@link #recover} rebuilds them from the batches.
 * </ul>
 *
 * <p>Any method may throw {@link IOException}; the core wraps it with the partition and
 * operation and leaves the log as it was.
 */
public interface Segment {
  /** The offset of the segment's first batch (or of the first batch it will hold). */
  long baseOffset();

  /** A name for messages: the data file's path for file-based backends. */
  String name();

  /** The bytes of batches the segment holds. */
  long sizeInBytes() throws IOException;

  /**
   * One past the last offset held; {@link #baseOffset()} if empty. After a clean shutdown the
   * core calls this on the last segment only. It may read the segment's tail.
   *
   * @throws io.samsa.CorruptRecordException if the tail is not a valid batch boundary; the core
   *     then recovers the segment
   */
  long nextOffset() throws IOException;

  /** The largest batch {@code maxTimestamp} held, or -1 if the segment is empty. */
  long maxTimestamp() throws IOException;

  /** Whether the segment can take no more batches (an index is full); the core then rolls. */
  boolean isFull();

  /**
   * Appends one or more whole batches, from {@code batches}' position to its limit. The buffer is
   * only valid during the call: copy what you keep. The batches become visible to readers only
   * when all of them are written.
   */
  void append(ByteBuffer batches) throws IOException;

  /**
   * The whole batches from the one holding {@code startOffset}, stopping before the first batch
   * whose base offset is at or above {@code endOffset}, and before the one that would make the
   * slice exceed {@code maxBytes} — except that the first batch is always included. Returns an
   * empty slice if {@code startOffset} is at or past the segment's end.
   */
  BatchSlice read(long startOffset, long endOffset, int maxBytes) throws IOException;

  /**
   * An offset from which a forward scan finds the first record with a timestamp at or after
   * {@code targetTimestamp}: every record before the batch holding the returned offset has a
   * smaller timestamp. Returning {@link #baseOffset()} is always correct; an index makes it
   * faster.
   */
  long timestampLookup(long targetTimestamp) throws IOException;

  /** Forces every batch appended so far (and, once sealed, the indexes) to disk. */
  void flush() throws IOException;

  /**
   * Removes every batch at or after {@code offset}, which is a batch boundary between {@link
   * #baseOffset()} and {@link #nextOffset()}.
   *
   * @return the number of bytes removed
   */
  long truncateTo(long offset) throws IOException;

  /**
   * Validates the segment's batches (see {@link io.samsa.spi.format.BatchScanner#recover}), cuts
   * everything from the first invalid byte on, and rebuilds the indexes.
   *
   * @param verifiedOffset everything below this offset is known valid and durable; the segment
   *     may start its scan at any batch boundary at or below it
   */
  SegmentRecovery recover(long verifiedOffset) throws IOException;

  /**
   * No more batches will be appended, unless truncation later makes this the last segment again
   * (then {@link #append} must still work). File-based backends trim preallocated space here and
   * write final index entries. Runs alongside reads and {@link #flush()}; it need not force
   * anything.
   *
   * <p>After a seal the core calls {@link #flush()} before the recovery point it checkpoints
   * passes this segment (recovery never scans below that point again): a flush of a sealed
   * segment must make everything the seal changed durable, its trimmed length and indexes
   * included.
   */
  void seal() throws IOException;

  /**
   * Releases the segment's resources; it is not used again. Indexes are left exact and durable
   * on disk: a clean shutdown trusts them at the next open.
   */
  void close() throws IOException;

  /** Closes the segment and deletes its data and indexes. */
  void delete() throws IOException;
}
