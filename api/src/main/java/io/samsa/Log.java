package io.samsa;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.OptionalLong;

/**
 * One partition's log: an ordered, append-only sequence of records with dense offsets, stored as
 * Kafka record batches in segments.
 *
 * <h2>Offsets</h2>
 * Records are numbered densely from the <em>log start offset</em> (the first readable record) to
 * just below the <em>log end offset</em> (the offset the next record gets). Everything below the
 * <em>recovery point</em> has been forced to disk and survives a machine crash.
 *
 * <h2>Threading</h2>
 * All methods are thread-safe. Appends (and truncation) are serialized per partition; reads run
 * concurrently with appends and with each other, and never see a partly written batch.
 *
 * <h2>Failures</h2>
 * An I/O failure raises {@link StorageException}. A failed write leaves the log as it was before
 * the call. A failed fsync (or a failure in the middle of a truncation) takes the partition
 * offline: after a failed fsync the kernel may have dropped the unwritten pages, so nothing
 * unflushed can be trusted; every later call fails, closing the store does not mark it clean,
 * and the next open recovers the partition. Every call on a closed store raises {@link
 * StoreClosedException}.
 *
 * <h2>Slow readers</h2>
 * A read holds only the segment it reads: a consumer stuck writing to its channel delays no
 * append and no retention (a segment it still reads is deleted when it lets go), only a
 * truncation of that same segment and the closing of the store.
 */
public interface Log {
  TopicPartition topicPartition();

  /**
   * Appends one record.
   *
   * @throws RecordTooLargeException if the record's batch exceeds the topic's batch limit
   */
  AppendResult append(ProducerRecord record);

  /**
   * Appends the records as one batch: all or none of them are stored, at consecutive offsets.
   *
   * @throws IllegalArgumentException if {@code records} is empty
   * @throws RecordTooLargeException if the batch exceeds the topic's batch limit
   */
  AppendResult append(List<ProducerRecord> records);

  /**
   * Reads records from {@code offset} on, up to about {@code maxBytes} of stored batches (the
   * first batch is returned whole even if it is larger, so a reader always makes progress).
   * Reading at the log end offset returns an empty result.
   *
   * @throws OffsetOutOfRangeException if {@code offset} is below the log start or above the log end
   * @throws CorruptRecordException if a stored batch fails its checksum (it is never returned)
   */
  ReadResult read(long offset, int maxBytes);

  /**
   * Writes the stored record batches from the one holding {@code offset} on, up to {@code
   * maxBytes} (at least one batch), to {@code target} without decoding them, using zero-copy
   * transfer where the backend allows ({@code FileChannel.transferTo} for the file backend). The
   * bytes are Kafka record batches (magic 2), whole batches only; the first may hold records below
   * {@code offset}, as in a Kafka fetch.
   *
   * @return the number of bytes written
   * @throws IOException if writing to {@code target} fails
   * @throws OffsetOutOfRangeException if {@code offset} is below the log start or above the log end
   */
  long transferTo(long offset, int maxBytes, WritableByteChannel target) throws IOException;

  /** A sequential reader starting at {@code offset}; see {@link LogReader}. */
  LogReader reader(long offset);

  /**
   * The first offset at or after the log start whose record timestamp is at or after {@code
   * timestampMs}, or empty if every record is older.
   */
  OptionalLong offsetForTimestamp(long timestampMs);

  long logStartOffset();

  long logEndOffset();

  /** Everything below this offset has been forced to disk. */
  long recoveryPoint();

  /** The bytes of record batches the log holds. */
  long sizeInBytes();

  /** The segments, oldest first; the last one is the active segment. */
  List<SegmentInfo> segments();

  /**
   * Raises the log start offset to {@code offset}, making earlier records unreadable, and deletes
   * the segments that fall wholly below it. The new start offset is stored before this returns.
   *
   * @return the log start offset afterwards (unchanged if {@code offset} is not above it)
   * @throws OffsetOutOfRangeException if {@code offset} is above the log end offset
   */
  long deleteRecordsBefore(long offset);

  /**
   * Applies the topic's retention now: deletes the oldest sealed segments while the log is larger
   * than {@code retention.bytes}, or while their newest record is older than {@code
   * retention.ms}. The active segment is never deleted. The store also does this in the
   * background.
   *
   * @return the number of segments deleted
   */
  int applyRetention();

  /** Seals the active segment and starts a new one at the log end offset (if it is not empty). */
  void roll();

  /**
   * Removes every record at or after {@code offset}; the next append gets {@code offset}. The cut
   * is on disk when this returns. If {@code offset} falls inside a batch, the records of that
   * batch below it are written again as a batch of their own (a crash during the call may lose
   * them); the call waits for reads in flight in the segments it cuts.
   *
   * @throws OffsetOutOfRangeException if {@code offset} is below the log start or above the log end
   */
  void truncateTo(long offset);

  /** Forces everything appended so far to disk and advances the recovery point to the end. */
  void flush();
}
