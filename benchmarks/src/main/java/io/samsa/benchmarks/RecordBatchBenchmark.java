package io.samsa.benchmarks;

import io.samsa.LogRecord;
import io.samsa.ProducerRecord;
import io.samsa.spi.format.BatchValidator;
import io.samsa.spi.format.RecordBatchDecoder;
import io.samsa.spi.format.RecordBatchEncoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The record-batch format, with no I/O: encoding a batch, checking its CRC-32C, decoding it, and
 * Kafka's client library doing the first two on the same records (the same bytes: both write
 * message format v2).
 *
 * <p>{@code shape} is {@code RECORDSxBYTES}: 100 records of 100 B (append-100B's batch) or 16 of
 * 1 KiB (append-1KB's).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class RecordBatchBenchmark {
  private static final long NOW = 1_700_000_000_000L;

  @Param({"100x100", "16x1024"})
  public String shape;

  private List<ProducerRecord> records;
  private byte[][] values;
  private ByteBuffer target;
  private ByteBuffer encoded;
  private ByteBuffer kafkaTarget;
  private MutableRecordBatch kafkaBatch;

  @Setup
  public void setUp() {
    String[] parts = shape.split("x");
    int count = Integer.parseInt(parts[0]);
    values = ContenderRun.values(Integer.parseInt(parts[1]));
    records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(ProducerRecord.ofValue(values[i]).withTimestamp(NOW + i));
    }
    int size = Math.toIntExact(RecordBatchEncoder.batchSize(records, NOW));
    target = ByteBuffer.allocate(size);
    encoded = ByteBuffer.allocate(size);
    RecordBatchEncoder.encode(encoded, records, 0L, 0, NOW);
    encoded.flip();
    kafkaTarget = ByteBuffer.allocate(size + 64);
    kafkaBatch = MemoryRecords.readableRecords(kafkaEncode().buffer()).batches().iterator().next();
  }

  /** Samsa: records to a batch, CRC included. */
  @Benchmark
  public int encode() {
    target.clear();
    return RecordBatchEncoder.encode(target, records, 0L, 0, NOW);
  }

  /** Samsa: the frame and CRC-32C check every read and every recovery does. */
  @Benchmark
  public Optional<String> checkCrc() {
    return BatchValidator.check(encoded, 0, encoded.limit());
  }

  /** Samsa: a batch to records (keys, values and headers copied into arrays). */
  @Benchmark
  public List<LogRecord> decode() {
    return RecordBatchDecoder.decode(encoded, 0, "bench", 0L);
  }

  /** Kafka: the same records through {@link MemoryRecordsBuilder}. */
  @Benchmark
  public MemoryRecords kafkaEncode() {
    kafkaTarget.clear();
    MemoryRecordsBuilder b = MemoryRecords.builder(kafkaTarget, Compression.NONE, TimestampType.CREATE_TIME, 0L);
    for (int i = 0; i < records.size(); i++) {
      b.append(NOW + i, null, records.get(i).value());
    }
    return b.build();
  }

  /** Kafka: {@code DefaultRecordBatch.isValid}, its CRC-32C check. */
  @Benchmark
  public boolean kafkaCheckCrc() {
    return kafkaBatch.isValid();
  }
}
