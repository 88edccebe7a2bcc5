package io.samsa.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.storage.log.FetchIsolation;
import org.apache.kafka.server.util.KafkaScheduler;
import org.apache.kafka.storage.internals.log.FetchDataInfo;
import org.apache.kafka.storage.internals.log.LogConfig;
import org.apache.kafka.storage.internals.log.LogDirFailureChannel;
import org.apache.kafka.storage.internals.log.ProducerStateManagerConfig;
import org.apache.kafka.storage.internals.log.UnifiedLog;
import org.apache.kafka.storage.log.metrics.BrokerTopicStats;

/**
 * Kafka's own log, in process: one {@link UnifiedLog} per partition, in directories named
 * {@code bench-<partition>} as a broker names them, appended to as leader ({@code appendAsLeader},
 * which validates each batch and assigns its offsets, as a broker does for a produce request).
 *
 * <p>Appends build each batch with Kafka's {@link MemoryRecordsBuilder} (uncompressed, create time,
 * no key), as a producer would; Samsa encodes inside its append, so both sides pay for encoding.
 * Reads use {@code UnifiedLog.read} with 1 MiB fetches, check each batch's CRC ({@code
 * ensureValid}, as a consumer with {@code check.crcs=true} does) and copy each value out.
 *
 * <p>{@code fsyncEveryBatch} sets {@code flush.messages=1}: the log flushes after every append.
 * Opening with {@code uncleanShutdown} recovers from offset 0 (no recovery-point checkpoint: that
 * is kept by the broker's {@code LogManager}, which is not used here).
 */
final class KafkaLog implements BenchLog {
  private static final int MAX_TRANSACTION_TIMEOUT_MS = 15 * 60 * 1000;
  private static final int PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;
  private static final int PRODUCER_ID_EXPIRATION_CHECK_MS = 10 * 60 * 1000;
  private static final int FETCH_BYTES = 1 << 20;

  private final KafkaScheduler scheduler;
  private final UnifiedLog[] logs;
  private ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

  /**
   * Opens (creating if needed) the partitions' logs.
   *
   * @param uncleanShutdown whether the last writer died: recover every segment from offset 0
   */
  KafkaLog(Path dir, LogSpec spec, boolean uncleanShutdown) throws IOException {
    Map<String, Object> props = new HashMap<>();
    props.put("segment.bytes", Integer.toString(spec.segmentBytes()));
    props.put("retention.ms", "-1");
    if (spec.fsyncEveryBatch()) {
      props.put("flush.messages", "1");
    }
    LogConfig config = new LogConfig(props);
    scheduler = new KafkaScheduler(1, true, "kafka-bench-scheduler-");
    scheduler.startup();
    BrokerTopicStats stats = new BrokerTopicStats(false);
    LogDirFailureChannel failures = new LogDirFailureChannel(10);
    logs = new UnifiedLog[spec.partitions()];
    for (int p = 0; p < logs.length; p++) {
      logs[p] = UnifiedLog.create(dir.resolve("bench-" + p).toFile(), config, 0L, 0L, scheduler,
          stats, Time.SYSTEM, MAX_TRANSACTION_TIMEOUT_MS,
          new ProducerStateManagerConfig(PRODUCER_ID_EXPIRATION_MS, false),
          PRODUCER_ID_EXPIRATION_CHECK_MS, failures, !uncleanShutdown, Optional.empty());
    }
  }

  @Override
  public void append(int partition, byte[][] values) throws IOException {
    int estimate = 64 + values.length * 24;
    for (byte[] v : values) {
      estimate += v.length;
    }
    if (buffer.capacity() < estimate) {
      buffer = ByteBuffer.allocate(Math.max(estimate, buffer.capacity() * 2));
    }
    buffer.clear();
    MemoryRecordsBuilder builder =
        MemoryRecords.builder(buffer, Compression.NONE, TimestampType.CREATE_TIME, 0L);
    long now = System.currentTimeMillis();
    for (byte[] v : values) {
      builder.append(now, null, v);
    }
    MemoryRecords records = builder.build();
    logs[partition].appendAsLeader(records, 0);
  }

  @Override
  public long endOffset(int partition) {
    return logs[partition].logEndOffset();
  }

  @Override
  public long readAll(int partition, ValueSink sink) throws IOException {
    UnifiedLog log = logs[partition];
    long end = log.logEndOffset();
    long offset = log.logStartOffset();
    long count = 0;
    while (offset < end) {
      FetchDataInfo info = log.read(offset, FETCH_BYTES, FetchIsolation.LOG_END, true);
      long next = offset;
      for (RecordBatch batch : info.records.batches()) {
        batch.ensureValid();
        for (Record r : batch) {
          if (r.offset() >= offset) {
            sink.accept(r.value());
            count++;
          }
        }
        next = batch.nextOffset();
      }
      if (next == offset) {
        throw new IllegalStateException("Kafka read made no progress: partition=" + partition
            + ", offset=" + offset + ", logEndOffset=" + end);
      }
      offset = next;
    }
    return count;
  }

  @Override
  public void readOne(int partition, long offset, ValueSink sink) throws IOException {
    Records records = logs[partition].read(offset, 1, FetchIsolation.LOG_END, true).records;
    for (RecordBatch batch : records.batches()) {
      batch.ensureValid();
      for (Record r : batch) {
        if (r.offset() == offset) {
          sink.accept(r.value());
          return;
        }
      }
    }
    throw new IllegalStateException("Kafka point read found no record: partition=" + partition
        + ", offset=" + offset);
  }

  @Override
  public String openReport() {
    long segments = 0;
    for (UnifiedLog log : logs) {
      segments += log.numberOfSegments();
    }
    return "segments: " + segments;
  }

  /** Flushes every log and closes it, as the broker's log manager does at a clean shutdown. */
  @Override
  public void close() throws IOException {
    try {
      for (UnifiedLog log : logs) {
        log.flush(true);
        log.close();
      }
    } finally {
      try {
        scheduler.shutdown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
