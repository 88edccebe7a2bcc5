package io.samsa.core.replication;

import io.samsa.TopicPartition;

/**
 * Hears what the cluster does, as it happens. Called on the thread that drives the cluster, with
 * the cluster's lock held: return quickly and do not call back into the cluster.
 */
public interface ClusterListener {
  /** A new leader was elected (or none could be: {@link PartitionState#hasLeader()} is false). */
  default void leaderChanged(PartitionState state, boolean unclean) {}

  /** The controller accepted a change of the in-sync replica set. */
  default void isrChanged(PartitionState state) {}

  /** A deposed leader learned it was fenced: it refuses writes from now on. */
  default void leaderFenced(int node, TopicPartition partition, int leaderEpoch) {}

  /** A replica cut its log to {@code offset}, to agree with the leader. */
  default void truncated(int node, TopicPartition partition, long fromOffset, long toOffset) {}

  /** A leader appended records in {@code leaderEpoch}. */
  default void leaderAppended(int node, TopicPartition partition, int leaderEpoch, long baseOffset,
      long lastOffset) {}
}
