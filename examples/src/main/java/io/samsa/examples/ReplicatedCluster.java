package io.samsa.examples;

import io.samsa.LogRecord;
import io.samsa.NotEnoughReplicasException;
import io.samsa.NotLeaderException;
import io.samsa.ProducerRecord;
import io.samsa.ReadResult;
import io.samsa.TopicPartition;
import io.samsa.core.replication.Acks;
import io.samsa.core.replication.Cluster;
import io.samsa.core.replication.ClusterListener;
import io.samsa.core.replication.PartitionState;
import io.samsa.core.replication.ProduceResult;
import io.samsa.core.replication.ReplicatedTopicConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A replicated cluster with fail-over: three nodes in one JVM (file, mmap and RocksDB backends),
 * a topic of 6 partitions with replication factor 3 and {@code acks=all}. Mid-stream it kills the
 * leader of partition 0, printing the leader and ISR changes as they happen, restarts the node,
 * and ends by checking that every acknowledged record is readable from the current leaders.
 *
 * <pre>
 * mvn -B -o -ntp -q install -DskipTests
 * mvn -B -o -ntp -q -pl examples exec:java -Dexec.mainClass=io.samsa.examples.ReplicatedCluster \
 *     -Dexec.classpathScope=runtime [-Dexec.args="--dir DIR --records N"]
 * </pre>
 */
public final class ReplicatedCluster {
  private static final String TOPIC = "orders";
  private static final int PARTITIONS = 6;

  private ReplicatedCluster() {}

  public static void main(String[] args) throws IOException {
    Path dir = null;
    int records = 3000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[++i]);
        case "--records" -> records = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]
            + " (expected --dir DIR, --records N)");
      }
    }
    if (dir == null) {
      dir = Files.createTempDirectory("samsa-cluster");
    }
    int verified = run(dir, records, System.out);
    System.out.println("every acknowledged record is readable from the leaders: " + verified);
  }

  /**
   * Runs the demonstration in {@code dir}.
   *
   * @return the number of acknowledged records verified
   * @throws IllegalStateException if an acknowledged record is missing
   */
  public static int run(Path dir, int records, PrintStream out) {
    ClusterListener printer = new ClusterListener() {
      @Override
      public void leaderChanged(PartitionState s, boolean unclean) {
        out.printf("  leader of %s -> node %s (epoch %d%s), ISR %s%n", s.partition(),
            s.hasLeader() ? s.leader() : "none", s.leaderEpoch(), unclean ? ", UNCLEAN" : "", s.isr());
      }

      @Override
      public void isrChanged(PartitionState s) {
        out.printf("  ISR of %s -> %s%n", s.partition(), s.isr());
      }
    };
    try (Cluster cluster = Cluster.builder()
        .node(1, dir.resolve("node-1"), "file")
        .node(2, dir.resolve("node-2"), "mmap")
        .node(3, dir.resolve("node-3"), "rocksdb")
        .listener(printer)
        .build()) {
      cluster.createTopic(TOPIC, PARTITIONS, ReplicatedTopicConfig.of(3, 2));
      for (PartitionState s : cluster.states(TOPIC)) {
        out.printf("%s: replicas %s, leader %d, ISR %s%n", s.partition(), s.replicas(), s.leader(), s.isr());
      }
      TopicPartition victimPartition = new TopicPartition(TOPIC, 0);
      int victim = cluster.state(victimPartition).leader();
      Map<TopicPartition, Map<Long, String>> acked = new HashMap<>();
      List<CompletableFuture<ProduceResult>> inFlight = new ArrayList<>();
      List<String> inFlightValues = new ArrayList<>();
      for (int i = 0; i < records; i++) {
        if (i == records / 3) {
          out.printf("killing node %d, the leader of %s, with writes in flight%n", victim, victimPartition);
          cluster.kill(victim, true);
        }
        if (i == 2 * records / 3) {
          out.printf("restarting node %d%n", victim);
          cluster.restart(victim);
        }
        send(cluster, "record-" + i, inFlight, inFlightValues, out);
        if (inFlight.size() >= 64) {
          drain(cluster, inFlight, inFlightValues, acked, out);
        }
      }
      while (!inFlight.isEmpty()) {
        drain(cluster, inFlight, inFlightValues, acked, out);
      }
      cluster.runUntil(() -> cluster.states(TOPIC).stream().allMatch(s -> s.isr().size() == 3), 10_000);
      out.printf("node %d is back in every ISR; moving leadership back to the preferred replicas%n", victim);
      cluster.electPreferredLeaders();
      // A new leader knows the high watermark it had as a follower: one fetch round brings it up.
      cluster.runUntil(() -> cluster.states(TOPIC).stream().allMatch(s -> cluster.highWatermark(s.partition())
          == cluster.replicaLog(s.leader(), s.partition()).orElseThrow().logEndOffset()), 10_000);
      for (PartitionState s : cluster.states(TOPIC)) {
        out.printf("%s: leader %d, epoch %d, ISR %s, high watermark %d%n", s.partition(), s.leader(),
            s.leaderEpoch(), s.isr(), cluster.highWatermark(s.partition()));
      }
      int verified = verify(cluster, acked);
      if (verified != records) {
        throw new IllegalStateException("acknowledged " + verified + " of " + records + " records");
      }
      return verified;
    }
  }

  /** Sends one record to the partition its number picks, as a producer does, with acks=all. */
  private static void send(Cluster cluster, String value, List<CompletableFuture<ProduceResult>> inFlight,
      List<String> values, PrintStream out) {
    TopicPartition tp = new TopicPartition(TOPIC, Integer.parseInt(value.substring(7)) % PARTITIONS);
    while (true) {
      try {
        inFlight.add(cluster.produce(tp, List.of(ProducerRecord.of("key-" + value, value)), Acks.ALL));
        values.add(value);
        return;
      } catch (NotLeaderException | NotEnoughReplicasException e) {
        out.println("  refused, retrying: " + e.getMessage());
        cluster.step();
      }
    }
  }

  /**
   * Steps until every write in flight is acknowledged or failed; the failed ones are sent again
   * (a producer's retry: at least once, so a retried record may be stored twice).
   */
  private static void drain(Cluster cluster, List<CompletableFuture<ProduceResult>> inFlight,
      List<String> values, Map<TopicPartition, Map<Long, String>> acked, PrintStream out) {
    cluster.runUntil(() -> inFlight.stream().allMatch(CompletableFuture::isDone), 100_000);
    List<String> retry = new ArrayList<>();
    for (int i = 0; i < inFlight.size(); i++) {
      CompletableFuture<ProduceResult> f = inFlight.get(i);
      if (!f.isDone() || f.isCompletedExceptionally()) {
        retry.add(values.get(i));
        continue;
      }
      ProduceResult r = f.join();
      acked.computeIfAbsent(r.partition(), k -> new HashMap<>()).put(r.baseOffset(), values.get(i));
    }
    inFlight.clear();
    values.clear();
    if (!retry.isEmpty()) {
      out.printf("  %d writes not acknowledged (leader gone); retrying them: %s ... %s%n", retry.size(),
          retry.get(0), retry.get(retry.size() - 1));
    }
    for (String value : retry) {
      send(cluster, value, inFlight, values, out);
    }
  }

  private static int verify(Cluster cluster, Map<TopicPartition, Map<Long, String>> acked) {
    int verified = 0;
    for (Map.Entry<TopicPartition, Map<Long, String>> e : acked.entrySet()) {
      Map<Long, String> readBack = new HashMap<>();
      long offset = 0;
      ReadResult r;
      while (!(r = cluster.read(e.getKey(), offset, 1 << 20)).isEmpty()) {
        for (LogRecord rec : r) {
          readBack.put(rec.offset(), new String(rec.value(), StandardCharsets.UTF_8));
        }
        offset = r.nextOffset();
      }
      for (Map.Entry<Long, String> a : e.getValue().entrySet()) {
        if (!a.getValue().equals(readBack.get(a.getKey()))) {
          throw new IllegalStateException("acknowledged record missing: partition=" + e.getKey()
              + ", offset=" + a.getKey() + ", expected=" + a.getValue() + ", found=" + readBack.get(a.getKey()));
        }
        verified++;
      }
    }
    return verified;
  }
}
