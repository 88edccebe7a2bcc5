package io.samsa.core.internal.replication;

import io.samsa.InvalidPartitionsException;
import io.samsa.TopicExistsException;
import io.samsa.TopicPartition;
import io.samsa.UnknownTopicOrPartitionException;
import io.samsa.core.replication.ClusterListener;
import io.samsa.core.replication.PartitionState;
import io.samsa.core.replication.ReplicatedTopicConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster's metadata and its one writer: replicas, leader, ISR and epochs per partition, and
 * which nodes are alive. Every change bumps the partition epoch; an ISR change must name the
 * current leader epoch and partition epoch and come from a live leader, so a deposed leader can
 * never overwrite a newer state (it learns it was fenced instead).
 *
 * <p>Elections on a node's death run over all that node's partitions in one pass and return the
 * new states grouped by node, one batch per node, so fail-over costs one pass and one message
 * per live node, not one round trip per partition.
 *
 * <p>Not thread-safe: the cluster calls it under its lock.
 */
public final class Controller {
  /** A topic's metadata. */
  public record TopicMeta(String name, int partitionCount, ReplicatedTopicConfig config, int startIndex) {}

  private final List<Integer> nodeIds;
  private final Set<Integer> live = new TreeSet<>();
  private final Map<String, TopicMeta> topics = new LinkedHashMap<>();
  private final Map<TopicPartition, PartitionState> states = new HashMap<>();
  private final Map<Integer, Set<TopicPartition>> byNode = new HashMap<>();
  private final ClusterListener listener;
  private long uncleanElections;

  public Controller(List<Integer> nodeIds, ClusterListener listener) {
    this.nodeIds = List.copyOf(new TreeSet<>(nodeIds));
    this.listener = listener;
    for (int id : this.nodeIds) {
      byNode.put(id, new LinkedHashSet<>());
    }
  }

  public boolean isLive(int node) {
    return live.contains(node);
  }

  public Set<Integer> liveNodes() {
    return Set.copyOf(live);
  }

  public long uncleanElections() {
    return uncleanElections;
  }

  public TopicMeta topic(String name) {
    TopicMeta meta = topics.get(name);
    if (meta == null) {
      throw new UnknownTopicOrPartitionException(name);
    }
    return meta;
  }

  public Map<String, TopicMeta> topics() {
    return Map.copyOf(topics);
  }

  public PartitionState state(TopicPartition tp) {
    PartitionState s = states.get(tp);
    if (s == null) {
      TopicMeta meta = topics.get(tp.topic());
      if (meta == null) {
        throw new UnknownTopicOrPartitionException(tp.topic());
      }
      throw new UnknownTopicOrPartitionException(tp.topic(), tp.partition(), meta.partitionCount());
    }
    return s;
  }

  /** The partitions a node holds a replica of. */
  public List<PartitionState> statesOf(int node) {
    List<PartitionState> out = new ArrayList<>();
    for (TopicPartition tp : byNode.get(node)) {
      out.add(states.get(tp));
    }
    return out;
  }

  /** Places and registers a new topic; returns the new states grouped by replica node. */
  public Map<Integer, List<PartitionState>> createTopic(String name, int partitions, ReplicatedTopicConfig config) {
    if (topics.containsKey(name)) {
      throw new TopicExistsException(name);
    }
    if (partitions < 1) {
      throw new InvalidPartitionsException(name, partitions, 0, "a topic needs at least one partition");
    }
    if (config.replicationFactor() > nodeIds.size()) {
      throw new io.samsa.InvalidConfigException("replication.factor",
          Integer.toString(config.replicationFactor()), "must be <= the node count " + nodeIds.size());
    }
    int start = Math.floorMod(name.hashCode(), nodeIds.size());
    topics.put(name, new TopicMeta(name, 0, config, start));
    return grow(name, partitions);
  }

  /** Adds partitions, placed as the first ones were; returns the new states by node. */
  public Map<Integer, List<PartitionState>> addPartitions(String name, int partitions) {
    TopicMeta meta = topic(name);
    if (partitions < meta.partitionCount()) {
      throw new InvalidPartitionsException(name, partitions, meta.partitionCount(), "partitions are never removed");
    }
    return grow(name, partitions);
  }

  private Map<Integer, List<PartitionState>> grow(String name, int partitions) {
    TopicMeta meta = topics.get(name);
    Map<Integer, List<PartitionState>> pushes = new TreeMap<>();
    for (int p = meta.partitionCount(); p < partitions; p++) {
      TopicPartition tp = new TopicPartition(name, p);
      List<Integer> replicas = Placement.replicas(nodeIds, meta.startIndex() + p, meta.config().replicationFactor());
      List<Integer> isr = new ArrayList<>();
      for (int r : replicas) {
        if (live.contains(r)) {
          isr.add(r);
        }
      }
      int leader = isr.isEmpty() ? PartitionState.NO_LEADER : isr.get(0);
      if (isr.isEmpty()) {
        isr.add(replicas.get(0));
      }
      PartitionState s = new PartitionState(tp, replicas, leader, 0, isr, 0);
      states.put(tp, s);
      for (int r : replicas) {
        byNode.get(r).add(tp);
      }
      addPush(pushes, s);
    }
    topics.put(name, new TopicMeta(name, partitions, meta.config(), meta.startIndex()));
    return pushes;
  }

  /**
   * An ISR change asked for by a leader. Returns the new state, or null if the asker is fenced:
   * it is not alive to the controller, or names a stale leader epoch or partition epoch. Members
   * that are not alive are not added.
   */
  public PartitionState alterIsr(int node, TopicPartition tp, int leaderEpoch, int partitionEpoch,
      List<Integer> newIsr) {
    PartitionState s = state(tp);
    if (!live.contains(node) || s.leader() != node || s.leaderEpoch() != leaderEpoch
        || s.partitionEpoch() != partitionEpoch) {
      return null;
    }
    List<Integer> isr = new ArrayList<>();
    for (int r : s.replicas()) {
      if (newIsr.contains(r) && (live.contains(r) || s.isr().contains(r))) {
        isr.add(r);
      }
    }
    if (!isr.contains(node)) {
      isr.add(0, node);
    }
    if (isr.equals(s.isr())) {
      return s;
    }
    PartitionState next = new PartitionState(tp, s.replicas(), s.leader(), s.leaderEpoch(), isr,
        s.partitionEpoch() + 1);
    states.put(tp, next);
    listener.isrChanged(next);
    return next;
  }

  /**
   * A node is alive (started, or its session came back): elects it where a partition has no
   * leader and it may lead, and returns every state it must know plus the changes, by node.
   */
  public Map<Integer, List<PartitionState>> nodeJoined(int node) {
    live.add(node);
    Map<Integer, List<PartitionState>> pushes = new TreeMap<>();
    for (TopicPartition tp : byNode.get(node)) {
      PartitionState s = states.get(tp);
      if (!s.hasLeader()) {
        boolean clean = s.isr().contains(node);
        if (clean || topics.get(tp.topic()).config().uncleanLeaderElection()) {
          s = elect(s, node, clean ? s.isr() : List.of(node), !clean);
          addPush(pushes, s);
          continue;
        }
      }
      pushes.computeIfAbsent(node, n -> new ArrayList<>()).add(s);
    }
    return pushes;
  }

  /**
   * A node died (or its session expired): every partition it led gets a new leader from the
   * live ISR (or, where the topic allows, from any live replica), and it leaves every ISR. One
   * pass over its partitions; the result holds one batch of states per node.
   */
  public Map<Integer, List<PartitionState>> nodeFailed(int node) {
    live.remove(node);
    return moveAway(node, true);
  }

  /**
   * Controlled shutdown: leadership moves to another live ISR member wherever there is one, and
   * the node leaves the ISR of every partition that has another member. It stays leader (and
   * in the ISR) only where it is the last in-sync replica; {@link #nodeFailed} follows.
   */
  public Map<Integer, List<PartitionState>> controlledShutdown(int node) {
    return moveAway(node, false);
  }

  private Map<Integer, List<PartitionState>> moveAway(int node, boolean dead) {
    Map<Integer, List<PartitionState>> pushes = new TreeMap<>();
    for (TopicPartition tp : byNode.get(node)) {
      PartitionState s = states.get(tp);
      if (!s.isr().contains(node) && s.leader() != node) {
        continue;
      }
      List<Integer> others = new ArrayList<>();
      for (int r : s.isr()) {
        if (r != node && live.contains(r)) {
          others.add(r);
        }
      }
      PartitionState next;
      if (s.leader() == node) {
        if (!others.isEmpty()) {
          next = elect(s, others.get(0), others, false);
        } else if (!dead) {
          continue; // the last in-sync replica keeps leading until it stops
        } else if (topics.get(tp.topic()).config().uncleanLeaderElection() && anyLive(s, node) >= 0) {
          int chosen = anyLive(s, node);
          next = elect(s, chosen, List.of(chosen), true);
        } else {
          // No eligible leader: the partition is offline; the ISR keeps its last member, the only
          // replica that may lead cleanly when it returns.
          next = elect(s, PartitionState.NO_LEADER, List.of(node), false);
        }
      } else if (!others.isEmpty() || !dead) {
        List<Integer> isr = new ArrayList<>(s.isr());
        isr.remove(Integer.valueOf(node));
        if (isr.isEmpty()) {
          continue;
        }
        next = new PartitionState(tp, s.replicas(), s.leader(), s.leaderEpoch(), isr, s.partitionEpoch() + 1);
        states.put(tp, next);
        listener.isrChanged(next);
      } else {
        continue;
      }
      addPush(pushes, next);
    }
    return pushes;
  }

  /**
   * Moves leadership back to each partition's preferred replica (the first one) where it is
   * alive and in sync, as Kafka's preferred leader election does after a node returns.
   */
  public Map<Integer, List<PartitionState>> electPreferredLeaders() {
    Map<Integer, List<PartitionState>> pushes = new TreeMap<>();
    for (PartitionState s : new ArrayList<>(states.values())) {
      int preferred = s.replicas().get(0);
      if (s.leader() != preferred && s.isr().contains(preferred) && live.contains(preferred)) {
        addPush(pushes, elect(s, preferred, s.isr(), false));
      }
    }
    return pushes;
  }

  private int anyLive(PartitionState s, int except) {
    for (int r : s.replicas()) {
      if (r != except && live.contains(r)) {
        return r;
      }
    }
    return -1;
  }

  private PartitionState elect(PartitionState s, int leader, List<Integer> isr, boolean unclean) {
    List<Integer> ordered = new ArrayList<>();
    if (leader != PartitionState.NO_LEADER) {
      ordered.add(leader);
    }
    for (int r : isr) {
      if (r != leader && (live.contains(r) || leader == PartitionState.NO_LEADER)) {
        ordered.add(r);
      }
    }
    PartitionState next = new PartitionState(s.partition(), s.replicas(), leader, s.leaderEpoch() + 1,
        ordered, s.partitionEpoch() + 1);
    states.put(s.partition(), next);
    if (unclean) {
      uncleanElections++;
    }
    listener.leaderChanged(next, unclean);
    return next;
  }

  private void addPush(Map<Integer, List<PartitionState>> pushes, PartitionState s) {
    for (int r : s.replicas()) {
      if (live.contains(r)) {
        pushes.computeIfAbsent(r, n -> new ArrayList<>()).add(s);
      }
    }
  }
}
