package io.samsa.spi;

import java.util.List;

/**
 * The small state of a partition that is not in its segments, written atomically by {@link
 * PartitionStore#writeCheckpoint}.
 *
 * @param recoveryPoint every offset below it was forced to disk; recovery scans from here
 * @param logStartOffset the first readable offset; never decreases
 * @param highWatermark every offset below it is committed (equal to the log end when not
 *     replicated)
 * @param leaderEpochs the epoch history, ascending by epoch and start offset
 */
public record PartitionCheckpoint(
    long recoveryPoint, long logStartOffset, long highWatermark, List<LeaderEpoch> leaderEpochs) {
  public PartitionCheckpoint {
    leaderEpochs = List.copyOf(leaderEpochs);
  }
}
