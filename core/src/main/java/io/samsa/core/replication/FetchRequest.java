package io.samsa.core.replication;

import io.samsa.TopicPartition;
import java.util.List;

/**
 * A follower's fetch from one leader, for every partition it follows there, as Kafka's
 * replica fetch (with KIP-320's last fetched epoch, so that the leader can report divergence).
 *
 * @param from the follower
 * @param to the leader
 * @param partitions one entry per partition
 */
public record FetchRequest(int from, int to, List<PartitionFetch> partitions) implements Message {
  public FetchRequest {
    partitions = List.copyOf(partitions);
  }

  /**
   * @param partition the partition
   * @param currentLeaderEpoch the leader epoch the follower knows; the leader refuses another
   * @param fetchOffset the follower's log end offset
   * @param lastFetchedEpoch the newest epoch in the follower's log, or -1
   * @param maxBytes about how many bytes of batches to return
   */
  public record PartitionFetch(
      TopicPartition partition, int currentLeaderEpoch, long fetchOffset, int lastFetchedEpoch,
      int maxBytes) {}
}
