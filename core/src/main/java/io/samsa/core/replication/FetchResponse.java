package io.samsa.core.replication;

import io.samsa.TopicPartition;
import java.util.List;

/**
 * A leader's answer to a {@link FetchRequest}.
 *
 * @param from the leader
 * @param to the follower
 * @param partitions one entry per partition asked for
 */
public record FetchResponse(int from, int to, List<PartitionData> partitions) implements Message {
  public FetchResponse {
    partitions = List.copyOf(partitions);
  }

  /** Why a partition's fetch was not served. */
  public enum Error {
    NONE,
    /** The receiver does not lead the partition. */
    NOT_LEADER,
    /** The follower named an older leader epoch than the leader's. */
    FENCED_LEADER_EPOCH,
    /** The follower named a newer leader epoch than the leader knows. */
    UNKNOWN_LEADER_EPOCH,
    /** The fetch offset is outside the leader's log; {@code logEndOffset} says where it ends. */
    OFFSET_OUT_OF_RANGE,
    /**
     * The follower's log diverged: {@code divergingEpoch} is the largest epoch of the leader at
     * or below the follower's last fetched epoch, and {@code divergingEndOffset} where it ends on
     * the leader. The follower truncates and fetches again.
     */
    DIVERGING_EPOCH
  }

  /**
   * @param partition the partition
   * @param error NONE if served
   * @param leaderEpoch the leader's epoch
   * @param fetchOffset the offset asked for
   * @param highWatermark the leader's high watermark
   * @param logEndOffset the leader's log end offset
   * @param divergingEpoch see {@link Error#DIVERGING_EPOCH}; -1 otherwise
   * @param divergingEndOffset see {@link Error#DIVERGING_EPOCH}; -1 otherwise
   * @param records whole record batches from {@code fetchOffset} on, possibly empty
   */
  public record PartitionData(
      TopicPartition partition, Error error, int leaderEpoch, long fetchOffset, long highWatermark,
      long logEndOffset, int divergingEpoch, long divergingEndOffset, byte[] records) {}
}
