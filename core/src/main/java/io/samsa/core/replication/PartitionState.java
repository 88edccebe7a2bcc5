package io.samsa.core.replication;

import io.samsa.TopicPartition;
import java.util.List;

/**
 * The controller's record of one partition: a plain value, sent to replicas as is.
 *
 * @param partition the partition
 * @param replicas the nodes holding a replica, the preferred leader first
 * @param leader the leading node, or {@link #NO_LEADER} when no eligible replica is alive
 * @param leaderEpoch bumped at every leader change; stamped in every batch the leader writes
 * @param isr the in-sync replicas, the leader among them
 * @param partitionEpoch bumped at every change of this record; an ISR change must name the
 *     current one, so a deposed leader cannot overwrite a newer state
 */
public record PartitionState(
    TopicPartition partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr,
    int partitionEpoch) {
  /** The leader of a partition none of whose eligible replicas is alive. */
  public static final int NO_LEADER = -1;

  public PartitionState {
    replicas = List.copyOf(replicas);
    isr = List.copyOf(isr);
  }

  public boolean hasLeader() {
    return leader != NO_LEADER;
  }
}
