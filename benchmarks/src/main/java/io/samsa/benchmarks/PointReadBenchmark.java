package io.samsa.benchmarks;

import io.samsa.Log;
import io.samsa.LogStore;
import io.samsa.ProducerRecord;
import io.samsa.ReadResult;
import io.samsa.TopicConfig;
import io.samsa.core.Samsa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * A point read by offset from a warm log of {@code records} 1 KiB records in batches of 16: the
 * offset-index lookup, the read of the batch holding the offset, its CRC check and the decoding of
 * the records from the offset on ({@link Log#read} with a 1-byte limit returns that one batch).
 * Sample mode, so JMH reports the p50 and p99 too.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PointReadBenchmark {
  @Param({"file", "mmap", "rocksdb"})
  public String backend;

  @Param({"100000"})
  public int records;

  private Path dir;
  private LogStore store;
  private Log log;
  private SplittableRandom random;

  @Setup(Level.Trial)
  public void write() throws IOException {
    dir = Files.createTempDirectory("samsa-jmh-read-");
    TopicConfig config = TopicConfig.builder().retentionTime(TopicConfig.FOREVER).build();
    store = Samsa.builder(dir).backend(backend).defaultTopicConfig(config).open();
    store.createTopic("bench", 1, config);
    log = store.topic("bench").partition(0);
    byte[][] values = ContenderRun.values(Sizes.LARGE_VALUE);
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      batch.add(ProducerRecord.ofValue(values[i & (values.length - 1)]));
      if (batch.size() == Sizes.READ_BATCH || i == records - 1) {
        log.append(batch);
        batch.clear();
      }
    }
    random = new SplittableRandom(42);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    ContenderRun.deleteTree(dir);
  }

  @Benchmark
  public byte[] read() {
    long offset = random.nextLong(records);
    ReadResult r = log.read(offset, 1);
    return r.records().get(0).value();
  }
}
