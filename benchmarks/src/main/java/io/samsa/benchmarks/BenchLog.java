package io.samsa.benchmarks;

import java.io.Closeable;
import java.io.IOException;

/**
 * One contender opened on a directory: a set of partition logs that the workloads append to and
 * read from. The same calls for Samsa's backends, Kafka's {@code UnifiedLog} and Chronicle Queue,
 * so that every workload is one piece of code.
 *
 * <p>Not thread-safe: a workload drives a log from one thread.
 */
interface BenchLog extends Closeable {
  /** Appends {@code values} to {@code partition} as one batch (one atomic append where the contender has batches). */
  void append(int partition, byte[][] values) throws IOException;

  /** The offset the next record of {@code partition} gets: its record count. */
  long endOffset(int partition);

  /**
   * Reads {@code partition} from its start to its end, handing every record's value to {@code
   * sink}; returns the number of records read.
   */
  long readAll(int partition, ValueSink sink) throws IOException;

  /** Reads the record at {@code offset} of {@code partition} and hands its value to {@code sink}. */
  void readOne(int partition, long offset, ValueSink sink) throws IOException;

  /** What the contender reports about its last open (recovery), or an empty string. */
  default String openReport() {
    return "";
  }

  /** Closes cleanly: flushes, marks the shutdown clean, releases files and mappings. */
  @Override
  void close() throws IOException;
}
