package io.samsa.core.internal.replication;

import io.samsa.TopicPartition;
import io.samsa.core.internal.log.PartitionLog;
import io.samsa.core.replication.PartitionState;
import io.samsa.core.replication.ProduceResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** One node's replica of one partition: its log and what it knows as leader or follower. */
final class Replica {
  enum Role { LEADER, FOLLOWER, FENCED }

  /** What a leader knows of one follower, as Kafka's replica state. */
  static final class Progress {
    long logEndOffset = -1;
    long lastCaughtUpMs;
    long lastFetchMs;
    long lastFetchLeaderEndOffset = -1;

    Progress(long now) {
      this.lastCaughtUpMs = now;
      this.lastFetchMs = now;
    }

    /** Kafka's rule: caught up if it fetched the leader's end, or the end of its previous fetch. */
    void fetched(long fetchOffset, long leaderEnd, long now) {
      if (fetchOffset >= leaderEnd) {
        lastCaughtUpMs = Math.max(lastCaughtUpMs, now);
      } else if (fetchOffset >= lastFetchLeaderEndOffset && lastFetchLeaderEndOffset >= 0) {
        lastCaughtUpMs = Math.max(lastCaughtUpMs, lastFetchMs);
      }
      logEndOffset = fetchOffset;
      lastFetchLeaderEndOffset = leaderEnd;
      lastFetchMs = now;
    }
  }

  /** An acks=all write waiting for the high watermark. */
  record Pending(long lastOffset, ProduceResult appended, CompletableFuture<ProduceResult> future) {}

  final TopicPartition tp;
  final PartitionLog log;
  final int minInsyncReplicas;
  PartitionState state;
  Role role = Role.FOLLOWER;
  final Map<Integer, Progress> progress = new HashMap<>();
  final List<Pending> pending = new ArrayList<>();

  Replica(TopicPartition tp, PartitionLog log, int minInsyncReplicas, PartitionState state) {
    this.tp = tp;
    this.log = log;
    this.minInsyncReplicas = minInsyncReplicas;
    this.state = state;
  }

  int leaderEpoch() {
    return state.leaderEpoch();
  }

  boolean leads() {
    return role == Role.LEADER;
  }

}
