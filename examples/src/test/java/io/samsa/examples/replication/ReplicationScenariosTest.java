package io.samsa.examples.replication;

import static io.samsa.examples.replication.Fixture.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.InvalidPartitionsException;
import io.samsa.NotEnoughReplicasException;
import io.samsa.NotLeaderException;
import io.samsa.TopicPartition;
import io.samsa.core.internal.log.PartitionLog;
import io.samsa.core.replication.Acks;
import io.samsa.core.replication.ClusterListener;
import io.samsa.core.replication.PartitionState;
import io.samsa.core.replication.ProduceResult;
import io.samsa.core.replication.ReplicatedTopicConfig;
import io.samsa.spi.LeaderEpoch;
import io.samsa.spi.format.RecordBatchDescriptor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication, one rule per story: three nodes (file, mmap and RocksDB backends), a manual clock,
 * an in-process transport whose links the stories cut and heal. Nothing sleeps.
 */
class ReplicationScenariosTest {
  @TempDir Path dir;

  private static final ReplicatedTopicConfig RF3_MIN2 = ReplicatedTopicConfig.of(3, 2);

  @Test
  void createTopic_spreadsReplicasAndLeadersEvenly_addedPartitionsFollowTheSamePattern() throws Exception {
    try (Fixture f = new Fixture(dir)) {
      f.cluster.createTopic("t", 6, ReplicatedTopicConfig.of(2, 1));
      // 6 partitions x RF 2 over 3 nodes: every node leads 2 and holds 4 replicas.
      assertEquals(Map.of(1, 2L, 2, 2L, 3, 2L), leadersPerNode(f.cluster.states("t")));
      assertEquals(Map.of(1, 4L, 2, 4L, 3, 4L), replicasPerNode(f.cluster.states("t")));

      f.cluster.addPartitions("t", 9);
      assertEquals(Map.of(1, 3L, 2, 3L, 3, 3L), leadersPerNode(f.cluster.states("t")));
      assertEquals(Map.of(1, 6L, 2, 6L, 3, 6L), replicasPerNode(f.cluster.states("t")));
      assertThrows(InvalidPartitionsException.class, () -> f.cluster.addPartitions("t", 8));
      // The new partitions work: produce to the last one.
      TopicPartition last = new TopicPartition("t", 8);
      assertEquals(0, f.await(f.cluster.produce(last, records("a"), Acks.ALL)).baseOffset());
    }
  }

  @Test
  void acksAll_isAcknowledgedWhenTheHighWatermarkPassesIt_followersFetchFromTheirEnd() throws Exception {
    try (Fixture f = new Fixture(dir)) {
      TopicPartition tp = new TopicPartition("orders", 0);
      f.cluster.createTopic("orders", 1, RF3_MIN2);
      int leader = f.cluster.state(tp).leader();
      //  leader: [a b]  HW 0 ; followers: []  -- nothing fetched yet
      CompletableFuture<ProduceResult> ack = f.cluster.produce(tp, records("a", "b"), Acks.ALL);
      assertFalse(ack.isDone());
      assertEquals(0, f.cluster.highWatermark(tp));
      //  one fetch round: followers [a b]; the next fetch tells the leader, HW 2
      ProduceResult r = f.await(ack);
      assertEquals(List.of(1, 2, 3), sorted(r.isrAtAck()));
      assertFalse(r.isrShrank());
      assertEquals(2, f.cluster.highWatermark(tp));
      f.settle();
      for (int n : f.ids) {
        assertEquals(List.of("a", "b"), f.replicaValues(n, tp), "node " + n);
        assertEquals(2, f.cluster.replicaHighWatermark(n, tp), "node " + n);
      }
      assertEquals(leader, r.leader());
    }
  }

  @Test
  void laggingFollower_leavesTheIsrAfterReplicaLagTimeMax_andRejoinsWhenCaughtUp() throws Exception {
    List<PartitionState> isrChanges = new ArrayList<>();
    try (Fixture f = new Fixture(dir)) {
      f.cluster.addListener(new ClusterListener() {
        @Override
        public void isrChanged(PartitionState state) {
          isrChanges.add(state);
        }
      });
      TopicPartition tp = new TopicPartition("t", 0);
      f.cluster.createTopic("t", 1, RF3_MIN2);
      PartitionState s = f.cluster.state(tp);
      int leader = s.leader();
      int slow = s.replicas().get(2);
      f.net.cut(leader, slow);
      CompletableFuture<ProduceResult> ack = f.cluster.produce(tp, records("a"), Acks.ALL);
      f.settle();
      //  leader [a], fast [a], slow [] ; ISR {leader, fast, slow} until the lag time passes
      f.pass(Fixture.LAG.minusMillis(1));
      assertEquals(3, f.cluster.state(tp).isr().size(), "not yet past replicaLagTimeMax");
      assertFalse(ack.isDone(), "acks=all waits for every in-sync replica");
      f.pass(Duration.ofMillis(2));
      assertFalse(f.cluster.state(tp).isr().contains(slow));
      assertEquals(2, f.cluster.state(tp).isr().size());
      assertTrue(f.await(ack).isrShrank());

      f.net.heal();
      f.pass(Duration.ofMillis(200)); // its fetch timed out: it fetches again
      f.settle();
      assertTrue(f.cluster.state(tp).isr().contains(slow), "rejoined once caught up");
      assertEquals(List.of("a"), f.replicaValues(slow, tp));
      assertEquals(2, isrChanges.size(), "one shrink, one expansion: " + isrChanges);
    }
  }

  @Test
  void highWatermark_isTheMinimumEndOverTheIsr_neverMovesBack_andIsCheckpointed() throws Exception {
    try (Fixture f = new Fixture(dir)) {
      TopicPartition tp = new TopicPartition("t", 0);
      f.cluster.createTopic("t", 1, RF3_MIN2);
      PartitionState s = f.cluster.state(tp);
      int leader = s.leader();
      int follower = s.replicas().get(1);
      int other = s.replicas().get(2);
      f.await(f.cluster.produce(tp, records("a", "b"), Acks.ALL));
      f.net.cut(leader, other);
      f.cluster.produce(tp, records("c"), Acks.LEADER).join();
      f.settle();
      //  leader [a b c], follower [a b c], other [a b] (cut) : HW = min over ISR = 2
      assertEquals(2, f.cluster.highWatermark(tp));
      f.pass(Fixture.LAG.plusMillis(1));
      //  other leaves the ISR: HW = min(3, 3) = 3, and it does not go back when other returns
      assertEquals(3, f.cluster.highWatermark(tp));
      f.net.heal();
      f.pass(Duration.ofMillis(200));
      assertEquals(3, f.cluster.highWatermark(tp));
      f.settle();
      assertEquals(3, f.cluster.replicaHighWatermark(follower, tp));

      // Checkpointed: a clean restart of the follower finds it again before any fetch.
      f.cluster.shutdown(follower);
      f.net.cut(leader, follower);
      f.cluster.restart(follower);
      assertEquals(3, f.cluster.replicaHighWatermark(follower, tp));
    }
  }

  @Test
  void consumers_readOnlyBelowTheHighWatermark() throws Exception {
    try (Fixture f = new Fixture(dir)) {
      TopicPartition tp = new TopicPartition("t", 0);
      f.cluster.createTopic("t", 1, RF3_MIN2);
      int leader = f.cluster.state(tp).leader();
      f.await(f.cluster.produce(tp, records("a"), Acks.ALL));
      for (int n : f.ids) {
        f.net.cut(leader, n);
      }
      f.cluster.produce(tp, records("b", "c"), Acks.LEADER).join();
      //  leader [a b c], HW 1 : a consumer sees [a] only, the replica log has all three
      assertEquals(List.of("a"), f.committedValues(tp));
      assertEquals(List.of("a", "b", "c"), f.replicaValues(leader, tp));
      assertTrue(f.cluster.read(tp, 1, 1 << 20).isEmpty());
      f.net.heal();
      f.pass(Duration.ofMillis(200));
      f.settle();
      assertEquals(List.of("a", "b", "c"), f.committedValues(tp));
    }
  }

  @Test
  void acksAll_isRefusedBeforeAppending_whenTheIsrIsBelowMinInsyncReplicas() throws Exception {
    try (Fixture f = new Fixture(dir)) {
      TopicPartition tp = new TopicPartition("t", 0);
      f.cluster.createTopic("t", 1, RF3_MIN2);
      int leader = f.cluster.state(tp).leader();
      for (int n : f.ids) {
        f.net.cut(leader, n);
      }
      f.pass(Fixture.LAG.plusMillis(1));
      assertEquals(List.of(leader), f.cluster.state(tp).isr());
      NotEnoughReplicasException e = assertThrows(NotEnoughReplicasException.class,
          () -> f.cluster.produce(tp, records("a"), Acks.ALL));
      assertFalse(e.afterAppend());
      assertEquals(1, e.inSyncReplicas());
      assertEquals(2, e.minInsyncReplicas());
      assertEquals(0, f.cluster.replicaLog(leader, tp).orElseThrow().logEndOffset(), "nothing appended");
      // acks=1 still works: availability for those who ask for less.
      assertEquals(0, f.cluster.produce(tp, records("a"), Acks.LEADER).join().baseOffset());
    }
  }

  @Test
  void acksAll_callerLearnsThatTheIsrShrankAfterTheAppend() throws Exception {
    try (Fixture f = new Fixture(dir)) {
      TopicPartition tp = new TopicPartition("t", 0);
      f.cluster.createTopic("t", 1, RF3_MIN2);
      PartitionState s = f.cluster.state(tp);
      int leader = s.leader();
      f.net.cut(leader, s.replicas().get(2));
      CompletableFuture<ProduceResult> one = f.cluster.produce(tp, records("a"), Acks.ALL);
      f.settle();
      assertFalse(one.isDone(), "the cut follower is still in the ISR");
      f.pass(Fixture.LAG.plusMillis(1));
      ProduceResult r = f.await(one);
      //  ISR {1,2,3} at the append, {leader, fast} at the ack: still >= 2, but the caller knows
      assertTrue(r.isrShrank());
      assertEquals(3, r.isrAtAppend().size());
      assertEquals(2, r.isrAtAck().size());

      // Below the minimum after the append: the write fails, flagged as appended.
      f.net.cut(leader, s.replicas().get(1));
      CompletableFuture<ProduceResult> two = f.cluster.produce(tp, records("b"), Acks.ALL);
      f.pass(Fixture.LAG.plusMillis(1));
      assertTrue(two.isDone());
      CompletionException ce = assertThrows(CompletionException.class, two::join);
      NotEnoughReplicasException e = assertInstanceOf(NotEnoughReplicasException.class, ce.getCause());
      assertTrue(e.afterAppend());
    }
  }

  @Test
  void leaderEpochs_areBumpedPerLeaderChange_stampedInBatches_andPersisted() throws Exception {
    try (Fixture f = new Fixture(dir)) {
      TopicPartition tp = new TopicPartition("t", 0);
      f.cluster.createTopic("t", 1, RF3_MIN2);
      int first = f.cluster.state(tp).leader();
      assertEquals(0, f.cluster.state(tp).leaderEpoch());
      f.await(f.cluster.produce(tp, records("a", "b"), Acks.ALL));
      f.cluster.kill(first, false);
      PartitionState after = f.cluster.state(tp);
      assertEquals(1, after.leaderEpoch());
      int second = after.leader();
      f.await(f.cluster.produce(tp, records("c"), Acks.ALL));
      f.cluster.restart(first);
      f.settle();
      //  every replica: batch [a b] stamped 0, batch [c] stamped 1; history 0@0, 1@2
      for (int n : f.ids) {
        assertEquals(List.of(0, 1), batchEpochs(f, n, tp), "node " + n);
        PartitionLog log = (PartitionLog) f.cluster.replicaLog(n, tp).orElseThrow();
        assertEquals(List.of(new LeaderEpoch(0, 0), new LeaderEpoch(1, 2)), log.leaderEpochs(), "node " + n);
      }
      // Persisted: after a restart the history is read back from the checkpoint.
      int follower = f.ids.stream().filter(n -> n != second).findFirst().orElseThrow();
      f.cluster.shutdown(follower);
      f.net.partition(List.of(follower), f.ids); // no fetch may rebuild it
      f.cluster.restart(follower);
      PartitionLog log = (PartitionLog) f.cluster.replicaLog(follower, tp).orElseThrow();
      assertEquals(List.of(new LeaderEpoch(0, 0), new LeaderEpoch(1, 2)), log.leaderEpochs());
    }
  }

  @Test
  void divergedFollower_truncatesToTheEndOfTheLastCommonEpoch_thenFetches() throws Exception {
    List<String> truncations = new ArrayList<>();
    try (Fixture f = new Fixture(dir)) {
      f.cluster.addListener(new ClusterListener() {
        @Override
        public void truncated(int node, TopicPartition partition, long from, long to) {
          truncations.add(node + ":" + from + "->" + to);
        }
      });
      TopicPartition tp = new TopicPartition("t", 0);
      f.cluster.createTopic("t", 1, ReplicatedTopicConfig.of(3, 1));
      int old = f.cluster.state(tp).leader();
      f.await(f.cluster.produce(tp, records("a"), Acks.ALL));
      f.net.partition(List.of(old), f.ids);
      f.cluster.produce(tp, records("x", "y"), Acks.LEADER).join(); // only on the old leader
      f.cluster.kill(old, false);
      int next = f.cluster.state(tp).leader();
      f.await(f.cluster.produce(tp, records("b"), Acks.ALL));
      //  old: [a x y] epochs 0@0        new leader: [a b] epochs 0@0, 1@1
      f.net.heal();
      f.cluster.restart(old);
      f.settle();
      //  old asks with last epoch 0 at offset 3; leader: epoch 0 ends at 1 -> old cuts to 1, fetches b
      assertEquals(List.of(old + ":3->1"), truncations);
      assertEquals(List.of("a", "b"), f.replicaValues(old, tp));
      assertEquals(f.replicaValues(next, tp), f.replicaValues(old, tp));
    }
  }

  @Test
  void nodeDeath_electsNewLeadersFromTheIsrForAllItsPartitions_inOneBatch() throws Exception {
    List<PartitionState> elections = new ArrayList<>();
    try (Fixture f = new Fixture(dir)) {
      f.cluster.addListener(new ClusterListener() {
        @Override
        public void leaderChanged(PartitionState state, boolean unclean) {
          assertFalse(unclean);
          elections.add(state);
        }
      });
      f.cluster.createTopic("t", 6, RF3_MIN2);
      List<PartitionState> before = f.cluster.states("t");
      for (PartitionState s : before) {
        f.await(f.cluster.produce(s.partition(), records("v" + s.partition().partition()), Acks.ALL));
      }
      int victim = 1;
      // Node 3 lags out of the ISR of every partition it does not lead (its links to 1 and 2 cut).
      f.net.partition(List.of(3), f.ids);
      f.pass(Fixture.LAG.plusMillis(1));
      f.net.heal();
      f.cluster.kill(victim, true);
      long led = before.stream().filter(s -> s.leader() == victim).count();
      assertEquals(2, led);
      assertEquals(led, elections.stream().filter(s -> before.get(s.partition().partition()).leader() == victim).count());
      for (PartitionState s : f.cluster.states("t")) {
        assertNotEquals(victim, s.leader());
        assertTrue(s.hasLeader(), s.toString());
        assertTrue(before.get(s.partition().partition()).isr().contains(s.leader()), "leader from the ISR: " + s);
        if (before.get(s.partition().partition()).leader() == victim) {
          assertEquals(2, s.leaderEpoch() - before.get(s.partition().partition()).leaderEpoch() + 1);
          assertEquals(List.of("v" + s.partition().partition()), f.committedValues(s.partition()));
        }
      }
    }
  }

  @Test
  void uncleanElection_happensOnlyWhereTheTopicAllowsIt_andMayLoseAcknowledgedRecords() throws Exception {
    List<PartitionState> unclean = new ArrayList<>();
    try (Fixture f = new Fixture(dir)) {
      f.cluster.addListener(new ClusterListener() {
        @Override
        public void leaderChanged(PartitionState state, boolean isUnclean) {
          if (isUnclean) {
            unclean.add(state);
          }
        }
      });
      f.cluster.createTopic("safe", 3, ReplicatedTopicConfig.of(3, 1));
      f.cluster.createTopic("risky", 3, ReplicatedTopicConfig.of(3, 1).withUncleanLeaderElection(true));
      TopicPartition safe = f.cluster.states("safe").stream().filter(s -> s.leader() == 1).findFirst()
          .orElseThrow().partition();
      TopicPartition risky = f.cluster.states("risky").stream().filter(s -> s.leader() == 1).findFirst()
          .orElseThrow().partition();
      // Node 1 is cut off; the followers drop out of its ISR; it acknowledges alone (minISR 1).
      f.net.partition(List.of(1), f.ids);
      f.pass(Fixture.LAG.plusMillis(1));
      f.await(f.cluster.produce(safe, records("only-on-1"), Acks.ALL));
      f.await(f.cluster.produce(risky, records("only-on-1"), Acks.ALL));
      f.cluster.kill(1, false);
      //  safe: no in-sync replica alive -> offline ; risky: a live out-of-sync replica leads
      assertFalse(f.cluster.state(safe).hasLeader());
      assertThrows(NotLeaderException.class, () -> f.cluster.produce(safe, records("z"), Acks.LEADER));
      assertTrue(f.cluster.state(risky).hasLeader());
      assertEquals(List.of(risky), unclean.stream().map(PartitionState::partition).toList());
      assertEquals(1, f.cluster.uncleanElections());
      assertEquals(List.of(), f.committedValues(risky), "the acknowledged record is lost, and reported");
      // The safe partition comes back with its record when its last in-sync replica returns.
      f.net.heal();
      f.cluster.restart(1);
      assertEquals(1, f.cluster.state(safe).leader());
      assertEquals(List.of("only-on-1"), f.committedValues(safe));
    }
  }

  @Test
  void deposedLeader_cannotOverwriteTheIsr_isFenced_andBecomesAFollowerWhenItReturns() throws Exception {
    List<String> fenced = new ArrayList<>();
    try (Fixture f = new Fixture(dir)) {
      f.cluster.addListener(new ClusterListener() {
        @Override
        public void leaderFenced(int node, TopicPartition partition, int epoch) {
          fenced.add(node + "@" + epoch);
        }
      });
      TopicPartition tp = new TopicPartition("t", 0);
      f.cluster.createTopic("t", 1, RF3_MIN2);
      int old = f.cluster.state(tp).leader();
      f.await(f.cluster.produce(tp, records("a"), Acks.ALL));
      // The old leader loses the controller and its followers, but keeps running.
      f.net.partition(List.of(old), f.ids);
      f.cluster.expireSession(old);
      PartitionState now = f.cluster.state(tp);
      assertNotEquals(old, now.leader());
      assertTrue(f.cluster.actsAsLeader(old, tp), "deposed, not yet aware");
      CompletableFuture<ProduceResult> stale = f.cluster.produceTo(old, tp, records("lost"), Acks.ALL);
      f.pass(Fixture.LAG.plusMillis(1)); // it tries to shrink its ISR: the controller refuses
      assertEquals(now, f.cluster.state(tp), "the deposed leader did not overwrite the ISR");
      assertEquals(List.of(old + "@0"), fenced);
      assertInstanceOf(NotLeaderException.class, assertThrows(CompletionException.class, stale::join).getCause());
      assertThrows(NotLeaderException.class, () -> f.cluster.produceTo(old, tp, records("x"), Acks.LEADER));

      f.await(f.cluster.produce(tp, records("b"), Acks.ALL));
      f.net.heal();
      f.cluster.restoreSession(old);
      f.pass(Duration.ofMillis(200));
      f.settle();
      assertFalse(f.cluster.actsAsLeader(old, tp));
      assertEquals(List.of("a", "b"), f.replicaValues(old, tp), "its unacknowledged write is gone");
      assertTrue(f.cluster.state(tp).isr().contains(old));
    }
  }

  @Test
  void controlledShutdown_movesLeadershipAwayBeforeTheNodeStops() throws Exception {
    try (Fixture f = new Fixture(dir)) {
      f.cluster.createTopic("t", 6, RF3_MIN2);
      for (PartitionState s : f.cluster.states("t")) {
        f.await(f.cluster.produce(s.partition(), records("v"), Acks.ALL));
      }
      f.cluster.shutdown(2);
      for (PartitionState s : f.cluster.states("t")) {
        assertTrue(s.hasLeader());
        assertNotEquals(2, s.leader());
        assertFalse(s.isr().contains(2));
        assertEquals(List.of("v"), f.committedValues(s.partition()));
        f.await(f.cluster.produce(s.partition(), records("w"), Acks.ALL));
      }
      f.cluster.restart(2);
      f.settle();
      for (PartitionState s : f.cluster.states("t")) {
        assertTrue(s.isr().contains(2), "rejoined: " + s);
        assertEquals(List.of("v", "w"), f.replicaValues(2, s.partition()));
      }
    }
  }

  @Test
  void preferredLeaderElection_spreadsLeadersEvenlyAgain_afterANodeReturns() throws Exception {
    try (Fixture f = new Fixture(dir)) {
      f.cluster.createTopic("t", 6, RF3_MIN2);
      f.cluster.kill(1, false);
      //  node 1 led the partitions whose replicas are [1, 2, 3]: node 2, next in their ISR, takes both
      assertEquals(Map.of(2, 4L, 3, 2L), leadersPerNode(f.cluster.states("t")));
      f.cluster.restart(1);
      f.settle();
      //  node 1 is back in every ISR but leads nothing until the preferred leaders are elected
      assertEquals(Map.of(2, 4L, 3, 2L), leadersPerNode(f.cluster.states("t")));
      assertEquals(2, f.cluster.electPreferredLeaders());
      assertEquals(Map.of(1, 2L, 2, 2L, 3, 2L), leadersPerNode(f.cluster.states("t")));
      for (PartitionState s : f.cluster.states("t")) {
        assertEquals(s.replicas().get(0), s.leader());
        f.await(f.cluster.produce(s.partition(), records("v"), Acks.ALL));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static List<Integer> batchEpochs(Fixture f, int node, TopicPartition tp) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    f.cluster.replicaLog(node, tp).orElseThrow().transferTo(0, Integer.MAX_VALUE, Channels.newChannel(out));
    ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
    List<Integer> epochs = new ArrayList<>();
    for (int at = 0; at < buf.limit(); at += RecordBatchDescriptor.batchSize(buf, at)) {
      epochs.add(RecordBatchDescriptor.partitionLeaderEpoch(buf, at));
    }
    return epochs;
  }

  private static List<Integer> sorted(List<Integer> l) {
    return l.stream().sorted().toList();
  }

  private static Map<Integer, Long> leadersPerNode(List<PartitionState> states) {
    Map<Integer, Long> m = new HashMap<>();
    states.forEach(s -> m.merge(s.leader(), 1L, Long::sum));
    return m;
  }

  private static Map<Integer, Long> replicasPerNode(List<PartitionState> states) {
    Map<Integer, Long> m = new HashMap<>();
    states.forEach(s -> s.replicas().forEach(r -> m.merge(r, 1L, Long::sum)));
    return m;
  }
}
