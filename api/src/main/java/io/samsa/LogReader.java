package io.samsa;

import java.time.Duration;

/**
 * Reads a partition sequentially from a position, waiting for new records when it has caught up.
 * A reader is for one thread; use one reader per consumer thread. Closing the store closes its
 * readers.
 *
 * <pre>{@code
 * try (LogReader reader = log.reader(0)) {
 *   while (running) {
 *     for (LogRecord r : reader.poll(Duration.ofMillis(500))) {
 *       handle(r);
 *     }
 *   }
 * }
 * }</pre>
 */
public interface LogReader extends AutoCloseable {
  /** The offset the next {@link #poll} reads from. */
  long position();

  /**
   * Moves the reader; the offset is checked at the next poll.
   */
  void seek(long offset);

  /**
   * Returns the records from {@link #position()} on (up to the reader's byte limit), waiting up to
   * {@code timeout} for some to be appended if there are none yet, and advances the position past
   * them. Returns an empty result if nothing arrived in time.
   *
   * @throws OffsetOutOfRangeException if the position is below the log start offset (retention
   *     passed it) or above the log end offset (the log was truncated)
   * @throws StoreClosedException if the store or this reader is closed
   */
  ReadResult poll(Duration timeout);

  @Override
  void close();
}
