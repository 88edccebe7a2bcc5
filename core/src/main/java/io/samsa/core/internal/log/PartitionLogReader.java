package io.samsa.core.internal.log;

import io.samsa.LogReader;
import io.samsa.ReadResult;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** A {@link LogReader}: a position, and reads that wait on the log's append signal. */
final class PartitionLogReader implements LogReader {
  private final PartitionLog log;
  private final int maxBytes;
  private long position;
  private boolean closed;

  PartitionLogReader(PartitionLog log, long position, int maxBytes) {
    this.log = log;
    this.position = position;
    this.maxBytes = maxBytes;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void seek(long offset) {
    ensureOpen();
    position = offset;
  }

  @Override
  public ReadResult poll(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    ensureOpen();
    long deadline = System.nanoTime() + TimeUnit.NANOSECONDS.convert(timeout);
    while (true) {
      ReadResult result = log.read(position, maxBytes);
      if (!result.isEmpty()) {
        position = result.nextOffset();
        return result;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return result;
      }
      try {
        log.awaitAppend(position, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return result;
      }
      log.ensureOpen();
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("reader is closed: partition=" + log.topicPartition());
    }
    log.ensureOpen();
  }
}
