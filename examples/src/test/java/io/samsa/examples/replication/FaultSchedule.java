package io.samsa.examples.replication;

import io.samsa.LogRecord;
import io.samsa.NotEnoughReplicasException;
import io.samsa.NotLeaderException;
import io.samsa.ProducerRecord;
import io.samsa.ReadResult;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.core.replication.Acks;
import io.samsa.core.replication.Cluster;
import io.samsa.core.replication.ClusterListener;
import io.samsa.core.replication.InProcessTransport;
import io.samsa.core.replication.PartitionState;
import io.samsa.core.replication.ProduceResult;
import io.samsa.core.replication.ReplicatedTopicConfig;
import io.samsa.testkit.CrashKind;
import io.samsa.testkit.ManualClock;
import io.samsa.testkit.SimulatedDisk;
import java.util.Random;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * One randomized fault schedule against a three-node cluster (file, mmap and RocksDB), and the
 * checks of DESIGN.md's invariant 9 — plain Java: actions, a model of what was acknowledged,
 * checks after every action and at the end.
 *
 * <p>The model's one precondition: a crash loses unflushed data only on a node that is not the
 * last live in-sync replica of any partition. (Losing the page cache of the last in-sync replica
 * loses acknowledged records in Kafka as well: nothing else holds them.) Such a crash is run as a
 * process crash instead.
 */
final class FaultSchedule {
  static final int PARTITIONS = 3;
  static final List<Integer> NODES = List.of(1, 2, 3);
  private static final CrashKind[] CRASHES = {CrashKind.DROP, CrashKind.TEAR, CrashKind.REORDER};

  /** One step of a schedule; {@code a} and {@code b} choose its target. */
  record Action(Kind kind, int a, int b) {
    static Action decode(int kind, int a, int b) {
      return new Action(Kind.of(kind), a, b);
    }

    int node() {
      return NODES.get(a % NODES.size());
    }

    int other() {
      int n = NODES.get((a + 1 + b % (NODES.size() - 1)) % NODES.size());
      return n;
    }

    @Override
    public String toString() {
      return switch (kind) {
        case PRODUCE -> "produce(p" + (a % PARTITIONS) + ", " + (1 + b % 3) + " records, acks=all)";
        case PRODUCE_ACKS1 -> "produce(p" + (a % PARTITIONS) + ", acks=1)";
        case ADVANCE -> "advance(" + advanceMs() + " ms)";
        case KILL -> "kill(node " + node() + (b % 2 == 0 ? ", power cut " + CRASHES[(b / 2) % CRASHES.length] : "") + ")";
        case RESTART -> "restart(node " + node() + ")";
        case ISOLATE -> "isolate(node " + node() + ")";
        case HEAL -> "heal()";
        case SLOW -> "slow(" + node() + "->" + other() + ", " + (50 + (b % 10) * 50) + " ms)";
        case LOSSY -> "lossy(" + node() + "->" + other() + ", 30%)";
        case EXPIRE_SESSION -> "expireSession(node " + node() + ")";
        case RESTORE_SESSION -> "restoreSession(node " + node() + ")";
        case SHUTDOWN -> "shutdown(node " + node() + ")";
      };
    }

    long advanceMs() {
      return 50L * (1 + b % 60);
    }
  }

  /** Kinds by frequency: the low numbers (where shrinking goes) are the plain ones. */
  enum Kind {
    PRODUCE, ADVANCE, PRODUCE_ACKS1, KILL, RESTART, ISOLATE, HEAL, SLOW, LOSSY, EXPIRE_SESSION,
    RESTORE_SESSION, SHUTDOWN;

    static Kind of(int k) {
      int x = Math.floorMod(k, 100);
      if (x < 35) return PRODUCE;
      if (x < 55) return ADVANCE;
      if (x < 60) return PRODUCE_ACKS1;
      if (x < 68) return KILL;
      if (x < 78) return RESTART;
      if (x < 83) return ISOLATE;
      if (x < 88) return HEAL;
      if (x < 91) return SLOW;
      if (x < 93) return LOSSY;
      if (x < 96) return EXPIRE_SESSION;
      if (x < 98) return RESTORE_SESSION;
      return SHUTDOWN;
    }
  }

  /** What one schedule showed. */
  record Outcome(int acknowledged, int lost, long uncleanElections, int elections, int truncations,
      int powerCuts, List<String> violations) {}

  private final ManualClock clock = new ManualClock(1_700_000_000_000L);
  private final InProcessTransport net;
  private final Cluster cluster;
  private final Path dir;
  private final boolean unclean;
  private final List<String> violations = new ArrayList<>();
  /** Acknowledged records: partition -> offset -> value. */
  private final Map<TopicPartition, Map<Long, String>> acked = new HashMap<>();
  private final List<Pending> pending = new ArrayList<>();
  /** Highest high watermark seen per (node, partition, leader epoch) while acting as leader. */
  private final Map<String, Long> leaderHighWatermarks = new HashMap<>();
  /** The node that wrote in each (partition, epoch). */
  private final Map<String, Integer> writers = new HashMap<>();
  private int sequence;
  private int elections;
  private int truncations;
  private int powerCuts;
  /** The simulated disks of the nodes whose backend does its I/O through the store's FileIO. */
  private final Map<Integer, SimulatedDisk> disks = new HashMap<>();

  private record Pending(CompletableFuture<ProduceResult> future, List<String> values) {}

  FaultSchedule(long seed, boolean unclean) throws IOException {
    this.dir = Files.createTempDirectory("samsa-schedule");
    this.unclean = unclean;
    this.net = new InProcessTransport(clock, seed);
    Cluster.Builder b = Cluster.builder().clock(clock).transport(net)
        .replicaLagTimeMax(Duration.ofSeconds(2)).fetchTimeout(Duration.ofMillis(200))
        .listener(new ClusterListener() {
          @Override
          public void leaderChanged(PartitionState state, boolean isUnclean) {
            elections++;
          }

          @Override
          public void truncated(int node, TopicPartition tp, long from, long to) {
            truncations++;
          }

          @Override
          public void leaderAppended(int node, TopicPartition tp, int epoch, long base, long last) {
            Integer before = writers.putIfAbsent(tp + "@" + epoch, node);
            if (before != null && before != node) {
              violations.add("two leaders wrote in one epoch: partition=" + tp + ", epoch=" + epoch
                  + ", nodes=" + before + " and " + node);
            }
          }
        });
    for (int i = 0; i < NODES.size(); i++) {
      String backend = Fixture.BACKENDS[i];
      if (backend.equals("rocksdb")) {
        // RocksDB does its own I/O: a power cut there is modelled by cutting each log back to its
        // recovery point (everything unflushed is lost).
        b.node(NODES.get(i), dir.resolve("node-" + NODES.get(i)), backend);
      } else {
        SimulatedDisk disk = new SimulatedDisk();
        disks.put(NODES.get(i), disk);
        b.node(NODES.get(i), dir.resolve("node-" + NODES.get(i)), backend, o -> o.fileIO(disk.fileIO()));
      }
    }
    this.cluster = b.build();
    // Small segments and indexes: the simulated disk keeps images of mapped files in memory.
    TopicConfig small = TopicConfig.builder().segmentBytes(64 * 1024).segmentIndexBytes(1024).build();
    cluster.createTopic("t", PARTITIONS,
        ReplicatedTopicConfig.of(3, 2).withUncleanLeaderElection(unclean).withLogConfig(small));
  }

  /** Runs the schedule, settles the cluster, checks everything, and cleans up. */
  static Outcome run(List<Action> actions, long seed, boolean unclean) {
    FaultSchedule s;
    try {
      s = new FaultSchedule(seed, unclean);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try {
      for (Action a : actions) {
        s.apply(a);
        s.cluster.step();
        s.collect();
        s.checkWhileRunning(a);
      }
      s.settle();
      return s.finalChecks();
    } finally {
      try {
        s.cluster.close();
      } finally {
        delete(s.dir);
      }
    }
  }

  private void apply(Action a) {
    TopicPartition tp = new TopicPartition("t", a.a() % PARTITIONS);
    int node = a.node();
    switch (a.kind()) {
      case PRODUCE -> {
        List<String> values = new ArrayList<>();
        List<ProducerRecord> records = new ArrayList<>();
        for (int i = 0; i <= a.b() % 3; i++) {
          String v = "v" + (sequence++);
          values.add(v);
          records.add(ProducerRecord.of("k", v));
        }
        try {
          pending.add(new Pending(cluster.produce(tp, records, Acks.ALL), values));
        } catch (NotLeaderException | NotEnoughReplicasException refused) {
          // refused before append: nothing to remember
        }
      }
      case PRODUCE_ACKS1 -> {
        try {
          cluster.produce(tp, List.of(ProducerRecord.of("k", "u" + (sequence++))), Acks.LEADER);
        } catch (NotLeaderException refused) {
          // no leader now
        }
      }
      case ADVANCE -> pass(a.advanceMs());
      case KILL -> {
        boolean powerCut = a.b() % 2 == 0 && cluster.isRunning(node) && !lastInSyncReplica(node);
        SimulatedDisk disk = disks.get(node);
        if (powerCut) {
          powerCuts++;
        }
        if (powerCut && disk != null) {
          disk.crash(CRASHES[(a.b() / 2) % CRASHES.length], new Random(a.b()));
          cluster.kill(node, false); // its store's I/O is dead: the restart recovers it
        } else {
          cluster.kill(node, powerCut);
        }
      }
      case RESTART -> {
        if (!cluster.isRunning(node)) {
          cluster.restart(node);
        }
      }
      case ISOLATE -> net.partition(List.of(node), NODES);
      case HEAL -> net.heal();
      case SLOW -> net.delay(node, a.other(), Duration.ofMillis(50 + (a.b() % 10) * 50L));
      case LOSSY -> net.lossRate(node, a.other(), 0.3);
      case EXPIRE_SESSION -> {
        if (cluster.isRunning(node) && cluster.isLive(node)) {
          cluster.expireSession(node);
        }
      }
      case RESTORE_SESSION -> {
        if (cluster.isRunning(node) && !cluster.isLive(node)) {
          cluster.restoreSession(node);
        }
      }
      case SHUTDOWN -> cluster.shutdown(node);
    }
  }

  /** True if the node is the only live, running in-sync replica of some partition. */
  private boolean lastInSyncReplica(int node) {
    for (PartitionState s : cluster.states("t")) {
      if (s.isr().contains(node) && s.isr().stream()
          .noneMatch(r -> r != node && cluster.isRunning(r) && cluster.isLive(r))) {
        return true;
      }
    }
    return false;
  }

  private void pass(long ms) {
    while (ms > 0) {
      long tick = Math.min(50, ms);
      clock.advance(Duration.ofMillis(tick));
      cluster.step();
      collect();
      checkLeaderHighWatermarks();
      ms -= tick;
    }
  }

  private void collect() {
    pending.removeIf(p -> {
      if (!p.future().isDone()) {
        return false;
      }
      if (!p.future().isCompletedExceptionally()) {
        ProduceResult r = p.future().join();
        Map<Long, String> m = acked.computeIfAbsent(r.partition(), k -> new HashMap<>());
        for (int i = 0; i < p.values().size(); i++) {
          m.put(r.baseOffset() + i, p.values().get(i));
        }
      }
      return true;
    });
  }

  private void checkWhileRunning(Action after) {
    checkLeaderHighWatermarks();
    for (PartitionState s : cluster.states("t")) {
      if (!s.hasLeader() || !cluster.isRunning(s.leader())) {
        continue;
      }
      long hw = cluster.replicaHighWatermark(s.leader(), s.partition());
      List<String> leader = values(s.leader(), s.partition(), hw);
      for (int r : s.isr()) {
        if (r != s.leader() && cluster.isRunning(r) && cluster.isLive(r)) {
          List<String> mine = values(r, s.partition(), hw);
          if (!leader.subList(0, Math.min(leader.size(), mine.size())).equals(mine)) {
            violations.add("in-sync replica " + r + " disagrees with leader " + s.leader()
                + " below the high watermark " + hw + " of " + s.partition() + " after " + after
                + ": leader=" + leader + ", replica=" + mine);
          }
        }
      }
    }
  }

  private void checkLeaderHighWatermarks() {
    for (int n : NODES) {
      for (int p = 0; p < PARTITIONS; p++) {
        TopicPartition tp = new TopicPartition("t", p);
        if (cluster.actsAsLeader(n, tp)) {
          String key = n + "/" + tp + "@" + cluster.replicaLeaderEpoch(n, tp);
          long hw = cluster.replicaHighWatermark(n, tp);
          Long before = leaderHighWatermarks.put(key, hw);
          if (before != null && hw < before) {
            violations.add("high watermark went back on leader " + key + ": " + before + " -> " + hw);
          }
        }
      }
    }
  }

  /** Heals everything, brings every node back, and runs until replication has caught up. */
  private void settle() {
    net.heal();
    for (int n : NODES) {
      if (!cluster.isRunning(n)) {
        cluster.restart(n);
      } else if (!cluster.isLive(n)) {
        cluster.restoreSession(n);
      }
    }
    for (int i = 0; i < 400 && !settled(); i++) {
      pass(50);
    }
    collect();
    if (!settled()) {
      violations.add("did not settle: " + cluster.states("t"));
    }
  }

  private boolean settled() {
    for (PartitionState s : cluster.states("t")) {
      if (!s.hasLeader() || s.isr().size() != NODES.size()) {
        return false;
      }
      long end = cluster.replicaLog(s.leader(), s.partition()).orElseThrow().logEndOffset();
      for (int n : NODES) {
        if (cluster.replicaHighWatermark(n, s.partition()) != end
            || cluster.replicaLog(n, s.partition()).orElseThrow().logEndOffset() != end) {
          return false;
        }
      }
    }
    return pending.isEmpty();
  }

  private Outcome finalChecks() {
    int count = 0;
    int lost = 0;
    for (PartitionState s : cluster.states("t")) {
      TopicPartition tp = s.partition();
      long hw = cluster.highWatermark(tp);
      List<String> leader = values(s.leader(), tp, hw);
      for (int n : NODES) {
        if (!values(n, tp, hw).equals(leader)) {
          violations.add("replica " + n + " disagrees below the high watermark of " + tp + ": leader="
              + leader + ", replica=" + values(n, tp, hw));
        }
      }
      Map<Long, String> committed = new HashMap<>();
      ReadResult r;
      long offset = 0;
      while (!(r = cluster.read(tp, offset, 1 << 20)).isEmpty()) {
        for (LogRecord rec : r) {
          committed.put(rec.offset(), new String(rec.value(), StandardCharsets.UTF_8));
        }
        offset = r.nextOffset();
      }
      for (Map.Entry<Long, String> e : acked.getOrDefault(tp, Map.of()).entrySet()) {
        count++;
        if (!e.getValue().equals(committed.get(e.getKey()))) {
          lost++;
          if (!unclean) {
            violations.add("acknowledged record lost: partition=" + tp + ", offset=" + e.getKey()
                + ", value=" + e.getValue() + ", now=" + committed.get(e.getKey()));
          }
        }
      }
    }
    if (lost > 0 && cluster.uncleanElections() == 0) {
      violations.add(lost + " acknowledged records lost without an unclean election");
    }
    return new Outcome(count, lost, cluster.uncleanElections(), elections, truncations, powerCuts,
        List.copyOf(violations));
  }

  /** A replica's values below {@code limit} (its whole log if shorter). */
  private List<String> values(int node, TopicPartition tp, long limit) {
    var log = cluster.replicaLog(node, tp).orElseThrow();
    List<String> out = new ArrayList<>();
    long offset = log.logStartOffset();
    long end = Math.min(limit, log.logEndOffset());
    while (offset < end) {
      ReadResult r = log.read(offset, 1 << 20);
      for (LogRecord rec : r) {
        if (rec.offset() < end) {
          out.add(new String(rec.value(), StandardCharsets.UTF_8));
        }
      }
      offset = r.nextOffset();
    }
    return out;
  }

  private static void delete(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is not a test failure
    }
  }
}
