package io.samsa.benchmarks;

import io.samsa.AppendResult;
import io.samsa.Log;
import io.samsa.LogStore;
import io.samsa.ProducerRecord;
import io.samsa.TopicConfig;
import io.samsa.core.Samsa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appending one batch (100 records of 100 B, no fsync) to a partition of each backend: encoding,
 * offset assignment, the write into the page cache (or the mapping, or RocksDB's memtable and
 * write-ahead log) and the index. Each iteration starts from an empty store in a new directory
 * under {@code java.io.tmpdir}, deleted after it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class AppendBenchmark {
  @Param({"file", "mmap", "rocksdb"})
  public String backend;

  private Path dir;
  private LogStore store;
  private Log log;
  private List<ProducerRecord> batch;

  @Setup(Level.Trial)
  public void records() {
    byte[][] values = ContenderRun.values(Sizes.SMALL_VALUE);
    batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(ProducerRecord.ofValue(values[i]));
    }
  }

  @Setup(Level.Iteration)
  public void open() throws IOException {
    dir = Files.createTempDirectory("samsa-jmh-append-");
    TopicConfig config = TopicConfig.builder().retentionTime(TopicConfig.FOREVER).build();
    store = Samsa.builder(dir).backend(backend).defaultTopicConfig(config).open();
    store.createTopic("bench", 1, config);
    log = store.topic("bench").partition(0);
  }

  @TearDown(Level.Iteration)
  public void close() throws IOException {
    store.close();
    ContenderRun.deleteTree(dir);
  }

  /** One batch of 100 records; the score is batches per second. */
  @Benchmark
  public AppendResult append() {
    return log.append(batch);
  }
}
