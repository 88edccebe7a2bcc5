package io.samsa.core.replication;

import io.samsa.TopicPartition;
import java.util.List;

/**
 * An acknowledged write to a replicated partition.
 *
 * @param partition the partition
 * @param baseOffset the offset of the first record
 * @param lastOffset the offset of the last record
 * @param leader the node that appended it
 * @param leaderEpoch the leader epoch stamped in its batch
 * @param acks what it waited for
 * @param isrAtAppend the in-sync replicas when it was appended
 * @param isrAtAck the in-sync replicas when it was acknowledged (for {@link Acks#ALL}: every one
 *     of them has it)
 */
public record ProduceResult(
    TopicPartition partition, long baseOffset, long lastOffset, int leader, int leaderEpoch, Acks acks,
    List<Integer> isrAtAppend, List<Integer> isrAtAck) {
  public ProduceResult {
    isrAtAppend = List.copyOf(isrAtAppend);
    isrAtAck = List.copyOf(isrAtAck);
  }

  /** True if the in-sync replica set lost a member between the append and the acknowledgement. */
  public boolean isrShrank() {
    return !isrAtAck.containsAll(isrAtAppend);
  }
}
