package io.samsa.benchmarks;

import io.samsa.FlushPolicy;
import io.samsa.Log;
import io.samsa.LogReader;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.ProducerRecord;
import io.samsa.ReadResult;
import io.samsa.RecoveryReport;
import io.samsa.Topic;
import io.samsa.TopicConfig;
import io.samsa.core.Samsa;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Samsa store on one backend ({@code file}, {@code mmap} or {@code rocksdb}) with one topic,
 * {@value #TOPIC}, of {@link LogSpec#partitions()} partitions. Records have no key and are stamped
 * by the store's clock; reads go through the public API ({@link LogReader} for sequential reads,
 * {@link Log#read} for point reads), which decodes every record into its own arrays.
 */
final class SamsaLog implements BenchLog {
  static final String TOPIC = "bench";

  private final LogStore store;
  private final Log[] logs;

  SamsaLog(String backend, Path dir, LogSpec spec) {
    TopicConfig config = TopicConfig.builder()
        .segmentBytes(spec.segmentBytes())
        .retentionTime(TopicConfig.FOREVER)
        .flushPolicy(spec.fsyncEveryBatch() ? FlushPolicy.everyAppend() : FlushPolicy.never())
        .build();
    Samsa.Builder builder = Samsa.builder(dir).backend(backend).defaultTopicConfig(config);
    spec.samsaOptions().forEach(builder::backendOption);
    store = builder.open();
    if (!store.topics().contains(TOPIC)) {
      store.createTopic(TOPIC, spec.partitions(), config);
    }
    Topic topic = store.topic(TOPIC);
    logs = new Log[topic.partitionCount()];
    for (int p = 0; p < logs.length; p++) {
      logs[p] = topic.partition(p);
    }
  }

  @Override
  public void append(int partition, byte[][] values) {
    List<ProducerRecord> batch = new ArrayList<>(values.length);
    for (byte[] v : values) {
      batch.add(ProducerRecord.ofValue(v));
    }
    logs[partition].append(batch);
  }

  @Override
  public long endOffset(int partition) {
    return logs[partition].logEndOffset();
  }

  @Override
  public long readAll(int partition, ValueSink sink) {
    Log log = logs[partition];
    long end = log.logEndOffset();
    long count = 0;
    try (LogReader reader = log.reader(log.logStartOffset())) {
      while (reader.position() < end) {
        ReadResult result = reader.poll(Duration.ZERO);
        if (result.isEmpty()) {
          throw new IllegalStateException("reader made no progress below the log end offset: partition="
              + partition + ", position=" + reader.position() + ", logEndOffset=" + end);
        }
        for (LogRecord r : result) {
          sink.accept(r.value());
          count++;
        }
      }
    }
    return count;
  }

  @Override
  public void readOne(int partition, long offset, ValueSink sink) {
    ReadResult result = logs[partition].read(offset, 1);
    LogRecord r = result.records().get(0);
    if (r.offset() != offset) {
      throw new IllegalStateException("point read returned another offset: partition=" + partition
          + ", requested=" + offset + ", returned=" + r.offset());
    }
    sink.accept(r.value());
  }

  @Override
  public String openReport() {
    RecoveryReport report = store.recoveryReport();
    return String.format("clean shutdown: %s, partitions scanned: %d, bytes cut: %d",
        report.cleanShutdown(), report.scannedPartitions(), report.truncatedBytes());
  }

  /** The recovery point of a partition (everything below it is on disk). */
  long recoveryPoint(int partition) {
    return logs[partition].recoveryPoint();
  }

  @Override
  public void close() {
    store.close();
  }
}
