package io.samsa.examples;

import io.samsa.ProducerRecord;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.core.replication.Acks;
import io.samsa.core.replication.Cluster;
import io.samsa.core.replication.PartitionState;
import io.samsa.core.replication.ReplicatedTopicConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures fail-over: the time from a node's death until every partition it led accepts writes
 * again, for a node leading 100, 1,000 and 10,000 partitions (two nodes, replication factor 2, so
 * every partition the victim leads has one in-sync follower to take over).
 *
 * <p>Two figures per size: <b>elected</b>, from the controller learning of the death to every new
 * leader having applied its state (one election pass, one batch per surviving node); and
 * <b>first write</b>, the time then to append one {@code acks=1} record to each of those
 * partitions (the first batch of a new epoch stores the epoch history: one checkpoint per
 * partition). Not a JMH benchmark: a plain harness, run on a quiet machine.
 *
 * <pre>
 * mvn -B -o -ntp -q -pl examples exec:java -Dexec.mainClass=io.samsa.examples.FailoverMeasurement \
 *     -Dexec.classpathScope=runtime [-Dexec.args="100 1000 10000"]
 * </pre>
 */
public final class FailoverMeasurement {
  private FailoverMeasurement() {}

  /** One measurement. */
  public record Result(int partitionsLed, Duration elected, Duration firstWrite) {}

  public static void main(String[] args) throws IOException {
    List<Integer> sizes = new ArrayList<>();
    for (String a : args) {
      sizes.add(Integer.parseInt(a));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(100, 1_000, 10_000);
    }
    System.out.println("partitions led | elected (ms) | first write to all (ms)");
    for (int n : sizes) {
      Path dir = Files.createTempDirectory("samsa-failover");
      try {
        Result r = measure(dir, n, "file");
        System.out.printf("%14d | %12.1f | %23.1f%n", r.partitionsLed(), r.elected().toNanos() / 1e6,
            r.firstWrite().toNanos() / 1e6);
      } finally {
        delete(dir);
      }
    }
  }

  /** Builds a two-node cluster where node 1 leads {@code partitions} partitions, and fails it. */
  public static Result measure(Path dir, int partitions, String backend) {
    try (Cluster cluster = Cluster.builder()
        .node(1, dir.resolve("node-1"), backend)
        .node(2, dir.resolve("node-2"), backend)
        .build()) {
      TopicConfig small = TopicConfig.builder().segmentIndexBytes(1024).build();
      cluster.createTopic("f", 2 * partitions, ReplicatedTopicConfig.of(2, 1).withLogConfig(small));
      // Fetch rounds until every follower has fetched once (all replicas in sync, nothing to copy).
      for (int i = 0; i < 3; i++) {
        cluster.step();
      }
      List<TopicPartition> led = new ArrayList<>();
      for (PartitionState s : cluster.states("f")) {
        if (s.leader() == 1) {
          led.add(s.partition());
        }
      }
      Duration elected = cluster.expireSession(1); // the controller counts node 1 dead
      long start = System.nanoTime();
      for (TopicPartition tp : led) {
        cluster.produce(tp, List.of(ProducerRecord.of("k", "v")), Acks.LEADER).join();
      }
      Duration firstWrite = Duration.ofNanos(System.nanoTime() - start);
      for (TopicPartition tp : led) {
        if (cluster.state(tp).leader() != 2) {
          throw new IllegalStateException("not failed over: " + cluster.state(tp));
        }
      }
      return new Result(led.size(), elected, firstWrite);
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
