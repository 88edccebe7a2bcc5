package io.samsa.core.internal.replication;

import io.samsa.AppendResult;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.NotEnoughReplicasException;
import io.samsa.NotLeaderException;
import io.samsa.ProducerRecord;
import io.samsa.ReadResult;
import io.samsa.SamsaException;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import io.samsa.core.internal.log.PartitionLog;
import io.samsa.core.replication.Acks;
import io.samsa.core.replication.ClusterListener;
import io.samsa.core.replication.FetchRequest;
import io.samsa.core.replication.FetchRequest.PartitionFetch;
import io.samsa.core.replication.FetchResponse;
import io.samsa.core.replication.FetchResponse.Error;
import io.samsa.core.replication.FetchResponse.PartitionData;
import io.samsa.core.replication.Message;
import io.samsa.core.replication.PartitionState;
import io.samsa.core.replication.ProduceResult;
import io.samsa.core.replication.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One node of a cluster: a {@link LogStore} of its own and the replicas it holds, leading some,
 * following others. Leaders serve fetches, track their followers, move the high watermark and
 * complete {@code acks=all} writes; followers fetch from their log end and truncate where their
 * log diverged from the leader's.
 *
 * <p>Not thread-safe: the cluster drives every node under its lock.
 */
public final class ReplicaNode {
  private static final System.Logger LOG = System.getLogger(ReplicaNode.class.getName());

  /** Where a leader sends ISR changes: returns the new state, or null if the leader is fenced. */
  public interface IsrChanges {
    PartitionState alterIsr(int node, TopicPartition tp, int leaderEpoch, int partitionEpoch,
        List<Integer> isr);
  }

  /** Timing and sizes shared by every node. */
  public record Settings(long replicaLagTimeMaxMs, long fetchTimeoutMs, int maxFetchBytes) {}

  private final int id;
  private final Path directory;
  private final String backend;
  private final Clock clock;
  private final Transport transport;
  private final ClusterListener listener;
  private final IsrChanges isrChanges;
  private final Settings settings;
  private final java.util.function.Consumer<Samsa.Builder> storeOptions;

  private LogStore store;
  private final Map<TopicPartition, Replica> replicas = new LinkedHashMap<>();
  private final Map<Integer, Long> fetchSentMs = new TreeMap<>();
  private final Map<String, Integer> knownTopics = new java.util.HashMap<>();

  public ReplicaNode(int id, Path directory, String backend, Clock clock, Transport transport,
      ClusterListener listener, IsrChanges isrChanges, Settings settings,
      java.util.function.Consumer<Samsa.Builder> storeOptions) {
    this.storeOptions = storeOptions;
    this.id = id;
    this.directory = directory;
    this.backend = backend;
    this.clock = clock;
    this.transport = transport;
    this.listener = listener;
    this.isrChanges = isrChanges;
    this.settings = settings;
  }

  public int id() {
    return id;
  }

  public String backend() {
    return backend;
  }

  public boolean running() {
    return store != null;
  }

  /** Opens the node's store (recovering it if it crashed) and starts taking messages. */
  public void start() {
    if (store != null) {
      throw new IllegalStateException("node is running: node=" + id);
    }
    Samsa.Builder b = Samsa.builder(directory).backend(backend).clock(clock);
    storeOptions.accept(b);
    store = b.open();
    transport.register(id, this::receive);
  }

  /**
   * Stops the node. A crash with {@code loseUnflushed} loses everything its logs had not forced
   * to disk (the worst a power cut can do); any stop fails the writes waiting here.
   */
  public void stop(boolean loseUnflushed) {
    if (store == null) {
      return;
    }
    transport.unregister(id);
    for (Replica r : replicas.values()) {
      failPending(r, new NotLeaderException(r.tp, id, PartitionState.NO_LEADER, r.leaderEpoch()));
      if (loseUnflushed) {
        r.log.truncateTo(Math.max(r.log.logStartOffset(), r.log.recoveryPoint()));
      }
    }
    replicas.clear();
    fetchSentMs.clear();
    knownTopics.clear();
    LogStore s = store;
    store = null;
    try {
      s.close();
    } catch (io.samsa.StorageException e) {
      // A dying node's disk may be gone already (a power cut under it): its store is abandoned,
      // and the next start recovers it. Nothing else is waiting on this close.
      LOG.log(System.Logger.Level.WARNING, "node " + id + ": its store did not close cleanly", e);
    }
  }

  /** Makes sure the node's store has the topic with at least its partitions. */
  public void ensureTopicIfNeeded(Controller.TopicMeta meta) {
    requireRunning();
    if (knownTopics.getOrDefault(meta.name(), 0) >= meta.partitionCount()) {
      return;
    }
    if (!store.topics().contains(meta.name())) {
      store.createTopic(meta.name(), meta.partitionCount(), meta.config().logConfig());
    } else if (store.describeTopic(meta.name()).partitionCount() < meta.partitionCount()) {
      store.addPartitions(meta.name(), meta.partitionCount());
    }
    knownTopics.put(meta.name(), meta.partitionCount());
  }

  // ---------------------------------------------------------------------------------------------
  // States from the controller

  /** Applies the controller's states (one batch); older leader epochs are ignored. */
  public void apply(List<PartitionState> states, Map<String, Controller.TopicMeta> topics) {
    requireRunning();
    long now = clock.millis();
    for (PartitionState s : states) {
      Replica r = replicas.get(s.partition());
      if (r == null) {
        PartitionLog log = (PartitionLog) store.log(s.partition());
        r = new Replica(s.partition(), log, topics.get(s.partition().topic()).config().minInsyncReplicas(), s);
        replicas.put(s.partition(), r);
        become(r, s, now, true);
      } else if (s.leaderEpoch() > r.leaderEpoch()
          || (s.leaderEpoch() == r.leaderEpoch() && s.partitionEpoch() >= r.state.partitionEpoch())) {
        boolean leaderChanged = s.leaderEpoch() != r.leaderEpoch() || r.role == Replica.Role.FENCED;
        become(r, s, now, leaderChanged);
      }
    }
  }

  private void become(Replica r, PartitionState s, long now, boolean leaderChanged) {
    r.state = s;
    if (s.leader() == id) {
      if (leaderChanged || r.role != Replica.Role.LEADER) {
        r.role = Replica.Role.LEADER;
        r.log.assignLeaderEpoch(s.leaderEpoch());
        r.progress.clear();
        for (int f : s.replicas()) {
          if (f != id) {
            r.progress.put(f, new Replica.Progress(now));
          }
        }
      }
      maybeAdvanceHighWatermark(r);
    } else {
      if (r.role == Replica.Role.LEADER) {
        failPending(r, new NotLeaderException(r.tp, id, s.leader(), s.leaderEpoch()));
      }
      r.role = Replica.Role.FOLLOWER;
      r.progress.clear();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Writes and reads

  /**
   * Appends as leader.
   *
   * @throws NotLeaderException if this node does not lead the partition (or was fenced)
   * @throws NotEnoughReplicasException if {@code acks} is ALL and the ISR is too small
   */
  public CompletableFuture<ProduceResult> produce(TopicPartition tp, List<ProducerRecord> records, Acks acks) {
    Replica r = leaderReplica(tp);
    List<Integer> isr = r.state.isr();
    if (acks == Acks.ALL && isr.size() < r.minInsyncReplicas) {
      throw new NotEnoughReplicasException(tp, isr.size(), r.minInsyncReplicas, false);
    }
    AppendResult a = r.log.append(records);
    listener.leaderAppended(id, tp, r.leaderEpoch(), a.baseOffset(), a.lastOffset());
    ProduceResult appended = new ProduceResult(tp, a.baseOffset(), a.lastOffset(), id, r.leaderEpoch(),
        acks, isr, isr);
    if (acks != Acks.ALL) {
      maybeAdvanceHighWatermark(r);
      return CompletableFuture.completedFuture(appended);
    }
    CompletableFuture<ProduceResult> future = new CompletableFuture<>();
    r.pending.add(new Replica.Pending(a.lastOffset(), appended, future));
    maybeAdvanceHighWatermark(r);
    return future;
  }

  /** Reads committed records (below the high watermark) as leader. */
  public ReadResult readCommitted(TopicPartition tp, long offset, int maxBytes) {
    Replica r = leaderReplica(tp);
    long hw = r.log.highWatermark();
    if (offset >= hw && offset <= r.log.logEndOffset()) {
      return new ReadResult(List.of(), offset, hw, 0);
    }
    ReadResult all = r.log.read(offset, maxBytes);
    List<LogRecord> committed = new ArrayList<>();
    for (LogRecord rec : all.records()) {
      if (rec.offset() < hw) {
        committed.add(rec);
      }
    }
    long next = committed.isEmpty() ? offset : committed.get(committed.size() - 1).offset() + 1;
    return new ReadResult(committed, next, hw, all.sizeInBytes());
  }

  private Replica leaderReplica(TopicPartition tp) {
    Replica r = store == null ? null : replicas.get(tp);
    if (r == null || r.role != Replica.Role.LEADER) {
      int leader = r == null ? PartitionState.NO_LEADER : r.state.leader();
      throw new NotLeaderException(tp, id, leader == id ? PartitionState.NO_LEADER : leader,
          r == null ? -1 : r.leaderEpoch());
    }
    return r;
  }

  /** The node's replica log of a partition, or null. */
  public PartitionLog log(TopicPartition tp) {
    Replica r = replicas.get(tp);
    return r == null ? null : r.log;
  }

  /** Whether this node leads the partition and has not been fenced. */
  public boolean leads(TopicPartition tp) {
    Replica r = replicas.get(tp);
    return r != null && r.leads();
  }

  /** The leader epoch this node knows for the partition, or -1. */
  public int leaderEpoch(TopicPartition tp) {
    Replica r = replicas.get(tp);
    return r == null ? -1 : r.leaderEpoch();
  }

  // ---------------------------------------------------------------------------------------------
  // The loop

  /** One round: leaders check their followers' lag; followers send their fetches. */
  public void tick() {
    if (store == null) {
      return;
    }
    long now = clock.millis();
    Map<Integer, List<PartitionFetch>> fetches = new TreeMap<>();
    for (Replica r : replicas.values()) {
      if (r.role == Replica.Role.LEADER) {
        shrinkIsr(r, now);
      } else if (r.role == Replica.Role.FOLLOWER && r.state.hasLeader()) {
        int leader = r.state.leader();
        Long sent = fetchSentMs.get(leader);
        if (sent == null || now - sent >= settings.fetchTimeoutMs()) {
          fetches.computeIfAbsent(leader, l -> new ArrayList<>()).add(new PartitionFetch(r.tp,
              r.leaderEpoch(), r.log.logEndOffset(), r.log.latestEpoch(), settings.maxFetchBytes()));
        }
      }
    }
    for (Map.Entry<Integer, List<PartitionFetch>> e : fetches.entrySet()) {
      fetchSentMs.put(e.getKey(), now);
      transport.send(new FetchRequest(id, e.getKey(), e.getValue()));
    }
  }

  private void shrinkIsr(Replica r, long now) {
    List<Integer> isr = r.state.isr();
    List<Integer> keep = new ArrayList<>(isr.size());
    for (int f : isr) {
      Replica.Progress p = r.progress.get(f);
      if (f == id || p == null || now - p.lastCaughtUpMs <= settings.replicaLagTimeMaxMs()) {
        keep.add(f);
      }
    }
    if (keep.size() < isr.size()) {
      changeIsr(r, keep);
    }
  }

  private void changeIsr(Replica r, List<Integer> isr) {
    PartitionState next = isrChanges.alterIsr(id, r.tp, r.leaderEpoch(), r.state.partitionEpoch(), isr);
    if (next == null) {
      // A newer leader exists, or the controller counts this node dead: stop writing.
      r.role = Replica.Role.FENCED;
      failPending(r, new NotLeaderException(r.tp, id, PartitionState.NO_LEADER, r.leaderEpoch()));
      listener.leaderFenced(id, r.tp, r.leaderEpoch());
      return;
    }
    r.state = next;
    maybeAdvanceHighWatermark(r);
  }

  /** HW = min LEO over the ISR, never back; completes the acks=all writes it passes. */
  private void maybeAdvanceHighWatermark(Replica r) {
    long candidate = r.log.logEndOffset();
    for (int f : r.state.isr()) {
      if (f != id) {
        Replica.Progress p = r.progress.get(f);
        candidate = Math.min(candidate, p == null ? -1 : p.logEndOffset);
      }
    }
    long hw = r.log.highWatermark();
    if (candidate > hw) {
      r.log.updateHighWatermark(candidate);
      hw = candidate;
    }
    Iterator<Replica.Pending> it = r.pending.iterator();
    while (it.hasNext()) {
      Replica.Pending p = it.next();
      if (p.lastOffset() >= hw) {
        continue;
      }
      it.remove();
      List<Integer> isr = r.state.isr();
      if (isr.size() < r.minInsyncReplicas) {
        p.future().completeExceptionally(
            new NotEnoughReplicasException(r.tp, isr.size(), r.minInsyncReplicas, true));
      } else {
        ProduceResult a = p.appended();
        p.future().complete(new ProduceResult(a.partition(), a.baseOffset(), a.lastOffset(), a.leader(),
            a.leaderEpoch(), a.acks(), a.isrAtAppend(), isr));
      }
    }
  }

  private static void failPending(Replica r, SamsaException e) {
    for (Replica.Pending p : r.pending) {
      p.future().completeExceptionally(e);
    }
    r.pending.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  private void receive(Message m) {
    if (store == null) {
      return;
    }
    if (m instanceof FetchRequest req) {
      transport.send(serve(req));
    } else if (m instanceof FetchResponse resp) {
      fetchSentMs.remove(resp.from());
      for (PartitionData pd : resp.partitions()) {
        onFetched(resp.from(), pd);
      }
    }
  }

  private FetchResponse serve(FetchRequest req) {
    long now = clock.millis();
    List<PartitionData> out = new ArrayList<>(req.partitions().size());
    for (PartitionFetch f : req.partitions()) {
      out.add(serve(req.from(), f, now));
    }
    return new FetchResponse(id, req.from(), out);
  }

  private PartitionData serve(int follower, PartitionFetch f, long now) {
    Replica r = replicas.get(f.partition());
    if (r == null || r.role != Replica.Role.LEADER) {
      return error(f, Error.NOT_LEADER, r == null ? -1 : r.leaderEpoch(), -1, -1);
    }
    PartitionLog log = r.log;
    if (f.currentLeaderEpoch() < r.leaderEpoch()) {
      return error(f, Error.FENCED_LEADER_EPOCH, r.leaderEpoch(), -1, -1);
    }
    if (f.currentLeaderEpoch() > r.leaderEpoch()) {
      return error(f, Error.UNKNOWN_LEADER_EPOCH, r.leaderEpoch(), -1, -1);
    }
    if (f.lastFetchedEpoch() >= 0) {
      PartitionLog.EpochEnd end = log.endOffsetForEpoch(f.lastFetchedEpoch());
      if (end.epoch() != f.lastFetchedEpoch() || end.endOffset() < f.fetchOffset()) {
        return error(f, Error.DIVERGING_EPOCH, r.leaderEpoch(), end.epoch(), end.endOffset());
      }
    }
    long leaderEnd = log.logEndOffset();
    if (f.fetchOffset() > leaderEnd || f.fetchOffset() < log.logStartOffset()) {
      return new PartitionData(f.partition(), Error.OFFSET_OUT_OF_RANGE, r.leaderEpoch(), f.fetchOffset(),
          log.highWatermark(), leaderEnd, -1, -1, new byte[0]);
    }
    Replica.Progress p = r.progress.get(follower);
    if (p != null) {
      p.fetched(f.fetchOffset(), leaderEnd, now);
      maybeExpandIsr(r, follower, p);
      maybeAdvanceHighWatermark(r);
    }
    byte[] records = new byte[0];
    if (f.fetchOffset() < leaderEnd) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try {
        log.transferTo(f.fetchOffset(), f.maxBytes(), Channels.newChannel(bytes));
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a byte array stream does not fail
      }
      records = bytes.toByteArray();
    }
    return new PartitionData(f.partition(), Error.NONE, r.leaderEpoch(), f.fetchOffset(),
        log.highWatermark(), leaderEnd, -1, -1, records);
  }

  /** A follower outside the ISR rejoins once it has the high watermark and this epoch's start. */
  private void maybeExpandIsr(Replica r, int follower, Replica.Progress p) {
    if (r.state.isr().contains(follower) || r.role != Replica.Role.LEADER) {
      return;
    }
    long epochStart = r.log.leaderEpochs().isEmpty() ? 0
        : r.log.leaderEpochs().get(r.log.leaderEpochs().size() - 1).startOffset();
    if (p.logEndOffset >= r.log.highWatermark() && p.logEndOffset >= epochStart) {
      List<Integer> isr = new ArrayList<>(r.state.isr());
      isr.add(follower);
      p.lastCaughtUpMs = clock.millis();
      changeIsr(r, isr);
    }
  }

  private static PartitionData error(PartitionFetch f, Error error, int epoch, int divergingEpoch,
      long divergingEnd) {
    return new PartitionData(f.partition(), error, epoch, f.fetchOffset(), -1, -1, divergingEpoch,
        divergingEnd, new byte[0]);
  }

  private void onFetched(int leader, PartitionData pd) {
    Replica r = replicas.get(pd.partition());
    if (r == null || r.role != Replica.Role.FOLLOWER || r.state.leader() != leader
        || pd.leaderEpoch() != r.leaderEpoch() || pd.fetchOffset() != r.log.logEndOffset()) {
      return; // stale: the state or the log changed since the fetch was sent
    }
    PartitionLog log = r.log;
    switch (pd.error()) {
      case NONE -> {
        if (pd.records().length > 0) {
          log.appendAsFollower(ByteBuffer.wrap(pd.records()));
        }
        log.updateHighWatermark(Math.min(pd.highWatermark(), log.logEndOffset()));
      }
      case DIVERGING_EPOCH -> truncate(r, divergenceTarget(log, pd));
      case OFFSET_OUT_OF_RANGE -> {
        if (pd.fetchOffset() > pd.logEndOffset()) {
          truncate(r, pd.logEndOffset());
        } else {
          LOG.log(System.Logger.Level.WARNING, "partition {0}: node {1} fetches below the leader's log "
              + "start; it cannot catch up by fetching: fetchOffset={2}", r.tp, id, pd.fetchOffset());
        }
      }
      default -> { } // a leader change is under way: the controller's next state settles it
    }
  }

  /**
   * Kafka's truncation on a diverging epoch: if this log has the leader's epoch, cut to the
   * smaller of the two ends of it; if not, cut to the end of this log's largest epoch below it,
   * and the next fetch compares again.
   */
  private static long divergenceTarget(PartitionLog log, PartitionData pd) {
    long end = log.logEndOffset();
    if (pd.divergingEpoch() < 0) {
      return log.logStartOffset(); // the leader has nothing this old: nothing here is shared
    }
    PartitionLog.EpochEnd mine = log.endOffsetForEpoch(pd.divergingEpoch());
    if (mine.epoch() < 0) {
      return log.logStartOffset();
    }
    if (mine.epoch() == pd.divergingEpoch()) {
      return Math.min(end, Math.min(mine.endOffset(), pd.divergingEndOffset()));
    }
    return Math.min(end, mine.endOffset());
  }

  private void truncate(Replica r, long offset) {
    long from = r.log.logEndOffset();
    long to = Math.max(r.log.logStartOffset(), Math.min(offset, from));
    r.log.truncateTo(to);
    listener.truncated(id, r.tp, from, to);
  }

  private void requireRunning() {
    if (store == null) {
      throw new IllegalStateException("node is not running: node=" + id);
    }
  }
}
