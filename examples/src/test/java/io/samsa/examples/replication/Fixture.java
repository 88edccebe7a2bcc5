package io.samsa.examples.replication;

import io.samsa.LogRecord;
import io.samsa.ProducerRecord;
import io.samsa.ReadResult;
import io.samsa.TopicPartition;
import io.samsa.core.replication.Cluster;
import io.samsa.core.replication.InProcessTransport;
import io.samsa.core.replication.ProduceResult;
import io.samsa.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Three nodes on three backends, a manual clock and a seeded in-process transport. */
final class Fixture implements AutoCloseable {
  static final Duration LAG = Duration.ofSeconds(10);
  static final String[] BACKENDS = {"file", "mmap", "rocksdb"};

  final ManualClock clock = new ManualClock(1_700_000_000_000L);
  final InProcessTransport net;
  final Cluster cluster;
  final List<Integer> ids = List.of(1, 2, 3);

  Fixture(Path dir) {
    this(dir, 3, 0);
  }

  Fixture(Path dir, int nodes, long seed) {
    net = new InProcessTransport(clock, seed);
    Cluster.Builder b = Cluster.builder().clock(clock).transport(net).replicaLagTimeMax(LAG)
        .fetchTimeout(Duration.ofMillis(100));
    for (int i = 1; i <= nodes; i++) {
      b.node(i, dir.resolve("node-" + i), BACKENDS[(i - 1) % BACKENDS.length]);
    }
    cluster = b.build();
  }

  static List<ProducerRecord> records(String... values) {
    List<ProducerRecord> out = new ArrayList<>();
    for (String v : values) {
      out.add(ProducerRecord.of("k", v));
    }
    return out;
  }

  /** Steps until the future is done. */
  ProduceResult await(CompletableFuture<ProduceResult> f) {
    if (!cluster.runUntil(f::isDone, 200)) {
      throw new AssertionError("append not acknowledged within 200 steps");
    }
    return f.join();
  }

  /** Steps a few rounds so followers catch up and learn the high watermark. */
  void settle() {
    for (int i = 0; i < 10; i++) {
      cluster.step();
    }
  }

  /** Moves time on in ticks of at most 50 ms, stepping after each, as a running cluster would. */
  void pass(Duration d) {
    long left = d.toMillis();
    while (left > 0) {
      long tick = Math.min(50, left);
      clock.advance(Duration.ofMillis(tick));
      cluster.step();
      left -= tick;
    }
  }

  List<String> committedValues(TopicPartition tp) {
    List<String> out = new ArrayList<>();
    long offset = 0;
    while (true) {
      ReadResult r = cluster.read(tp, offset, 1 << 20);
      if (r.isEmpty()) {
        return out;
      }
      for (LogRecord rec : r) {
        out.add(new String(rec.value(), StandardCharsets.UTF_8));
      }
      offset = r.nextOffset();
    }
  }

  List<String> replicaValues(int node, TopicPartition tp) {
    var log = cluster.replicaLog(node, tp).orElseThrow();
    List<String> out = new ArrayList<>();
    long offset = log.logStartOffset();
    while (offset < log.logEndOffset()) {
      ReadResult r = log.read(offset, 1 << 20);
      for (LogRecord rec : r) {
        out.add(new String(rec.value(), StandardCharsets.UTF_8));
      }
      offset = r.nextOffset();
    }
    return out;
  }

  @Override
  public void close() {
    cluster.close();
  }
}
