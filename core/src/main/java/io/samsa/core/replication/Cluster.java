package io.samsa.core.replication;

import io.samsa.Log;
import io.samsa.NotLeaderException;
import io.samsa.ProducerRecord;
import io.samsa.ReadResult;
import io.samsa.TopicPartition;
import io.samsa.core.internal.replication.Controller;
import io.samsa.core.internal.replication.ReplicaNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A replicated cluster of Samsa nodes in one JVM: each node a store of its own (any backend, its
 * own directory), a controller holding each partition's replicas, leader, in-sync replicas (ISR)
 * and epochs, and a {@link Transport} carrying followers' fetches to leaders.
 *
 * <pre>{@code
 * Cluster cluster = Cluster.builder()
 *     .node(1, dir.resolve("n1"), "file").node(2, dir.resolve("n2"), "mmap").node(3, dir.resolve("n3"), "rocksdb")
 *     .build();
 * cluster.createTopic("orders", 6, ReplicatedTopicConfig.of(3, 2));
 * CompletableFuture<ProduceResult> f = cluster.produce(new TopicPartition("orders", 0),
 *     List.of(ProducerRecord.of("k", "v")), Acks.ALL);
 * cluster.runUntil(f::isDone, 1000);     // fetch rounds until the high watermark passes it
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * As Kafka's: a record acknowledged with {@link Acks#ALL} is on every in-sync replica; a new
 * leader comes from the ISR, so under clean election no acknowledged record is lost while one
 * in-sync replica keeps its log; all replicas agree below the high watermark; the high watermark
 * never moves back on a leader; every leader change bumps the leader epoch, stamped in each
 * batch and kept in each log's checkpointed epoch history, and a follower whose log diverged
 * truncates to the end of the last epoch it shares with the leader. Unclean election (a topic
 * option) trades this for availability; {@link #uncleanElections()} counts them.
 *
 * <h2>Driving it</h2>
 * Nothing runs in the background: {@link #step()} delivers the transport's due messages, lets
 * leaders check their followers' lag and followers send their fetches. Tests step with a manual
 * clock and never sleep; an application steps from a thread of its own. Time (replica lag,
 * fetch timeouts, record timestamps) comes from the builder's clock.
 *
 * <h2>Threading</h2>
 * Thread-safe: every method holds the cluster's lock; listeners are called with it held.
 */
public final class Cluster implements AutoCloseable {
  private final Clock clock;
  private final Transport transport;
  private final Controller controller;
  private final Map<Integer, ReplicaNode> nodes = new TreeMap<>();
  private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();
  private boolean closed;

  private Cluster(Builder b) {
    this.clock = b.clock;
    this.transport = b.transport != null ? b.transport : new InProcessTransport(b.clock, 0);
    this.listeners.addAll(b.listeners);
    ClusterListener fanOut = new FanOut();
    this.controller = new Controller(new ArrayList<>(b.nodes.keySet()), fanOut);
    ReplicaNode.Settings settings = new ReplicaNode.Settings(b.replicaLagTimeMax.toMillis(),
        b.fetchTimeout.toMillis(), b.maxFetchBytes);
    for (Map.Entry<Integer, NodeSpec> e : b.nodes.entrySet()) {
      NodeSpec spec = e.getValue();
      nodes.put(e.getKey(), new ReplicaNode(e.getKey(), spec.directory, spec.backend, clock, transport,
          fanOut, this::alterIsr, settings, spec.storeOptions));
    }
  }

  /** A builder; add at least one node. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts every node. */
  private Cluster start() {
    for (int id : nodes.keySet()) {
      nodes.get(id).start();
      push(controller.nodeJoined(id));
    }
    return this;
  }

  /** The transport in use (an {@link InProcessTransport} unless the builder named another). */
  public Transport transport() {
    return transport;
  }

  /** Hears leader and ISR changes from now on. */
  public void addListener(ClusterListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  // ---------------------------------------------------------------------------------------------
  // Topics

  /**
   * Creates a topic, its replicas and preferred leaders spread evenly over the nodes.
   *
   * @throws io.samsa.TopicExistsException if it exists
   * @throws io.samsa.InvalidConfigException if the replication factor exceeds the node count
   */
  public synchronized List<PartitionState> createTopic(String name, int partitions, ReplicatedTopicConfig config) {
    ensureOpen();
    Map<Integer, List<PartitionState>> pushes = controller.createTopic(name, partitions, config);
    push(pushes);
    return states(name);
  }

  /**
   * Grows a topic; new partitions are placed as the first ones were.
   *
   * @throws io.samsa.InvalidPartitionsException if {@code partitions} is below the current count
   */
  public synchronized List<PartitionState> addPartitions(String name, int partitions) {
    ensureOpen();
    push(controller.addPartitions(name, partitions));
    return states(name);
  }

  /** The controller's state of every partition of a topic. */
  public synchronized List<PartitionState> states(String topic) {
    int count = controller.topic(topic).partitionCount();
    List<PartitionState> out = new ArrayList<>(count);
    for (int p = 0; p < count; p++) {
      out.add(controller.state(new TopicPartition(topic, p)));
    }
    return out;
  }

  /** The controller's state of a partition. */
  public synchronized PartitionState state(TopicPartition tp) {
    return controller.state(tp);
  }

  // ---------------------------------------------------------------------------------------------
  // Producing and consuming

  /**
   * Appends records as one batch to the partition's leader. With {@link Acks#ALL} the future
   * completes when the high watermark passes the batch (step the cluster), or fails with {@link
   * io.samsa.NotEnoughReplicasException} (after append) if the ISR shrank below the minimum
   * first, or with {@link NotLeaderException} if leadership moved first.
   *
   * @throws NotLeaderException if the partition has no live leader
   * @throws io.samsa.NotEnoughReplicasException if acks is ALL and the ISR is below {@code
   *     minInsyncReplicas} (nothing is appended)
   */
  public synchronized CompletableFuture<ProduceResult> produce(
      TopicPartition tp, List<ProducerRecord> records, Acks acks) {
    ensureOpen();
    PartitionState s = controller.state(tp);
    if (!s.hasLeader() || !nodes.get(s.leader()).running()) {
      throw new NotLeaderException(tp, -1, PartitionState.NO_LEADER, s.leaderEpoch());
    }
    return nodes.get(s.leader()).produce(tp, records, acks);
  }

  /**
   * Appends through one node, whatever the controller says: what a client with stale metadata
   * does. A node that is not the leader, or a deposed leader that learned it was fenced, refuses.
   *
   * @throws NotLeaderException if that node does not lead the partition
   */
  public synchronized CompletableFuture<ProduceResult> produceTo(
      int node, TopicPartition tp, List<ProducerRecord> records, Acks acks) {
    ensureOpen();
    return node(node).produce(tp, records, acks);
  }

  /**
   * Reads committed records (below the leader's high watermark) from {@code offset}; reading at
   * or past the high watermark returns nothing.
   *
   * @throws NotLeaderException if the partition has no live leader
   * @throws io.samsa.OffsetOutOfRangeException if {@code offset} is outside the leader's log
   */
  public synchronized ReadResult read(TopicPartition tp, long offset, int maxBytes) {
    ensureOpen();
    PartitionState s = controller.state(tp);
    if (!s.hasLeader() || !nodes.get(s.leader()).running()) {
      throw new NotLeaderException(tp, -1, PartitionState.NO_LEADER, s.leaderEpoch());
    }
    return nodes.get(s.leader()).readCommitted(tp, offset, maxBytes);
  }

  /** The high watermark on the partition's leader, or -1 if it has no live leader. */
  public synchronized long highWatermark(TopicPartition tp) {
    PartitionState s = controller.state(tp);
    if (!s.hasLeader() || !nodes.get(s.leader()).running()) {
      return -1;
    }
    return nodes.get(s.leader()).log(tp).highWatermark();
  }

  /**
   * A node's replica log of a partition, for inspection (it includes uncommitted records), or
   * empty if the node is down or holds no replica of it. Do not write to it.
   */
  public synchronized java.util.Optional<Log> replicaLog(int node, TopicPartition tp) {
    ReplicaNode n = node(node);
    return n.running() ? java.util.Optional.ofNullable(n.log(tp)) : java.util.Optional.empty();
  }

  /** The high watermark a node's replica knows, or -1 if it is down or holds no replica. */
  public synchronized long replicaHighWatermark(int node, TopicPartition tp) {
    ReplicaNode n = node(node);
    return n.running() && n.log(tp) != null ? n.log(tp).highWatermark() : -1;
  }

  /** Whether the node acts as the partition's leader (a deposed one may, until fenced). */
  public synchronized boolean actsAsLeader(int node, TopicPartition tp) {
    ReplicaNode n = node(node);
    return n.running() && n.leads(tp);
  }

  /** The leader epoch a node's replica knows, or -1. */
  public synchronized int replicaLeaderEpoch(int node, TopicPartition tp) {
    ReplicaNode n = node(node);
    return n.running() ? n.leaderEpoch(tp) : -1;
  }

  // ---------------------------------------------------------------------------------------------
  // Driving

  /**
   * One round: delivers the transport's due messages, lets each running node act (leaders shrink
   * the ISR of lagging followers, followers fetch), and delivers again.
   *
   * @return the number of messages delivered
   */
  public synchronized int step() {
    ensureOpen();
    int delivered = transport.pump();
    for (ReplicaNode n : nodes.values()) {
      n.tick();
    }
    return delivered + transport.pump();
  }

  /** Steps until {@code condition} holds, at most {@code maxSteps} times; true if it held. */
  public synchronized boolean runUntil(BooleanSupplier condition, int maxSteps) {
    for (int i = 0; i < maxSteps; i++) {
      if (condition.getAsBoolean()) {
        return true;
      }
      step();
    }
    return condition.getAsBoolean();
  }

  // ---------------------------------------------------------------------------------------------
  // Faults and operations

  /** The node ids, ascending. */
  public synchronized List<Integer> nodes() {
    return List.copyOf(nodes.keySet());
  }

  public synchronized boolean isRunning(int node) {
    return node(node).running();
  }

  /** Whether the controller counts the node alive. */
  public synchronized boolean isLive(int node) {
    return controller.isLive(node);
  }

  /**
   * Kills a node: it stops at once and the controller elects new leaders for its partitions. With
   * {@code loseUnflushed}, its logs lose everything not yet forced to disk, as in a power cut.
   */
  public synchronized void kill(int node, boolean loseUnflushed) {
    ensureOpen();
    ReplicaNode n = node(node);
    if (!n.running()) {
      return;
    }
    n.stop(loseUnflushed);
    push(controller.nodeFailed(node));
  }

  /**
   * The controller loses the node's session (the node keeps running, unaware): it is counted dead
   * and its partitions get new leaders; where it led, it is now a deposed leader until {@link
   * #restoreSession} or until it learns it was fenced.
   *
   * @return the time the election took, pushes to the live nodes included
   */
  public synchronized Duration expireSession(int node) {
    ensureOpen();
    long start = System.nanoTime();
    push(controller.nodeFailed(node));
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** The node's session is back: it learns the current states (a deposed leader becomes follower). */
  public synchronized void restoreSession(int node) {
    ensureOpen();
    if (node(node).running()) {
      push(controller.nodeJoined(node));
    }
  }

  /** Restarts a stopped node: it recovers its store and rejoins as follower of its partitions. */
  public synchronized void restart(int node) {
    ensureOpen();
    ReplicaNode n = node(node);
    if (n.running()) {
      throw new IllegalStateException("node is running: node=" + node);
    }
    n.start();
    push(controller.nodeJoined(node));
  }

  /**
   * Controlled shutdown: leadership moves to other in-sync replicas first (no partition is
   * without a leader that need not be), then the node flushes and stops.
   */
  public synchronized void shutdown(int node) {
    ensureOpen();
    ReplicaNode n = node(node);
    if (!n.running()) {
      return;
    }
    push(controller.controlledShutdown(node));
    n.stop(false);
    push(controller.nodeFailed(node));
  }

  /**
   * Moves leadership back to each partition's preferred replica (the first of its replicas)
   * wherever that replica is alive and in sync, so that leaders are spread evenly again after
   * nodes returned. Writes waiting on a replaced leader fail with {@link NotLeaderException}.
   *
   * @return the number of partitions whose leader moved
   */
  public synchronized int electPreferredLeaders() {
    ensureOpen();
    Map<Integer, List<PartitionState>> pushes = controller.electPreferredLeaders();
    java.util.Set<TopicPartition> moved = new java.util.HashSet<>();
    pushes.values().forEach(list -> list.forEach(s -> moved.add(s.partition())));
    push(pushes);
    return moved.size();
  }

  /** Unclean elections so far: each may have lost acknowledged records. */
  public synchronized long uncleanElections() {
    return controller.uncleanElections();
  }

  /** Stops every node cleanly. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException first = null;
    for (ReplicaNode n : nodes.values()) {
      try {
        n.stop(false);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  // ---------------------------------------------------------------------------------------------

  private PartitionState alterIsr(int node, TopicPartition tp, int leaderEpoch, int partitionEpoch,
      List<Integer> isr) {
    PartitionState before = controller.state(tp);
    PartitionState after = controller.alterIsr(node, tp, leaderEpoch, partitionEpoch, isr);
    if (after != null && after != before) {
      // The other replicas learn the new ISR too (a follower must know it, to be electable).
      Map<Integer, List<PartitionState>> pushes = new TreeMap<>();
      for (int r : after.replicas()) {
        if (r != node && controller.isLive(r) && nodes.get(r).running()) {
          pushes.put(r, List.of(after));
        }
      }
      push(pushes);
    }
    return after;
  }

  /** Delivers the controller's batches: one call per live node. */
  private void push(Map<Integer, List<PartitionState>> pushes) {
    Map<String, Controller.TopicMeta> topics = controller.topics();
    for (Map.Entry<Integer, List<PartitionState>> e : pushes.entrySet()) {
      ReplicaNode n = nodes.get(e.getKey());
      if (!n.running() || !controller.isLive(e.getKey())) {
        continue;
      }
      for (PartitionState s : e.getValue()) {
        Controller.TopicMeta meta = topics.get(s.partition().topic());
        n.ensureTopicIfNeeded(meta);
      }
      n.apply(e.getValue(), topics);
    }
  }

  private ReplicaNode node(int id) {
    ReplicaNode n = nodes.get(id);
    if (n == null) {
      throw new IllegalArgumentException("no such node: node=" + id + ", nodes=" + nodes.keySet());
    }
    return n;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cluster is closed");
    }
  }

  private final class FanOut implements ClusterListener {
    @Override
    public void leaderChanged(PartitionState state, boolean unclean) {
      listeners.forEach(l -> l.leaderChanged(state, unclean));
    }

    @Override
    public void isrChanged(PartitionState state) {
      listeners.forEach(l -> l.isrChanged(state));
    }

    @Override
    public void leaderFenced(int node, TopicPartition partition, int leaderEpoch) {
      listeners.forEach(l -> l.leaderFenced(node, partition, leaderEpoch));
    }

    @Override
    public void truncated(int node, TopicPartition partition, long fromOffset, long toOffset) {
      listeners.forEach(l -> l.truncated(node, partition, fromOffset, toOffset));
    }

    @Override
    public void leaderAppended(int node, TopicPartition partition, int leaderEpoch, long baseOffset,
        long lastOffset) {
      listeners.forEach(l -> l.leaderAppended(node, partition, leaderEpoch, baseOffset, lastOffset));
    }
  }

  private record NodeSpec(Path directory, String backend,
      java.util.function.Consumer<io.samsa.core.Samsa.Builder> storeOptions) {}

  /** Configures a cluster. Not thread-safe; each setter checks its value at once. */
  public static final class Builder {
    private final Map<Integer, NodeSpec> nodes = new TreeMap<>();
    private Clock clock = Clock.systemUTC();
    private Transport transport;
    private Duration replicaLagTimeMax = Duration.ofSeconds(30);
    private Duration fetchTimeout = Duration.ofMillis(500);
    private int maxFetchBytes = 1 << 20;
    private final List<ClusterListener> listeners = new ArrayList<>();

    private Builder() {}

    /** A node with its own store in {@code directory} on the named backend. */
    public Builder node(int id, Path directory, String backend) {
      return node(id, directory, backend, b -> { });
    }

    /**
     * A node whose store is further configured by {@code storeOptions} each time it opens (a
     * file system for fault injection, a flush policy, a scheduler). The directory, backend and
     * clock are the cluster's.
     */
    public Builder node(int id, Path directory, String backend,
        java.util.function.Consumer<io.samsa.core.Samsa.Builder> storeOptions) {
      Objects.requireNonNull(storeOptions, "storeOptions");
      if (id < 0) {
        throw new IllegalArgumentException("node id must be >= 0: id=" + id);
      }
      if (nodes.containsKey(id)) {
        throw new IllegalArgumentException("node id used twice: id=" + id);
      }
      nodes.put(id, new NodeSpec(Objects.requireNonNull(directory, "directory"),
          Objects.requireNonNull(backend, "backend"), storeOptions));
      return this;
    }

    /** The clock for lag, timeouts and the stores; default UTC system time. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The transport; default an {@link InProcessTransport} on the builder's clock. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** How long a follower may go without catching up before it leaves the ISR; default 30 s. */
    public Builder replicaLagTimeMax(Duration d) {
      this.replicaLagTimeMax = positive(d, "replicaLagTimeMax");
      return this;
    }

    /** How long a follower waits for a fetch answer before it fetches again; default 500 ms. */
    public Builder fetchTimeout(Duration d) {
      this.fetchTimeout = positive(d, "fetchTimeout");
      return this;
    }

    /** About how many bytes a fetch returns per partition; default 1 MiB. */
    public Builder maxFetchBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxFetchBytes must be >= 1: bytes=" + bytes);
      }
      this.maxFetchBytes = bytes;
      return this;
    }

    /** Hears leader and ISR changes from the start. */
    public Builder listener(ClusterListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Opens every node's store and starts the cluster.
     *
     * @throws IllegalStateException if no node was added
     */
    public Cluster build() {
      if (nodes.isEmpty()) {
        throw new IllegalStateException("a cluster needs at least one node");
      }
      return new Cluster(this).start();
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + name + "=" + d);
      }
      return d;
    }
  }
}
