package io.samsa;

import java.util.List;

/**
 * What a store found and repaired when it opened.
 *
 * <p>After a clean shutdown nothing is scanned and the report is empty. After an unclean one,
 * every partition's segments past its recovery point were scanned batch by batch; each
 * partition where bytes were cut (a torn write, a checksum failure, data after a hole) appears
 * here with each cut.
 *
 * @param cleanShutdown whether the store was closed cleanly the last time
 * @param scannedPartitions how many partitions were scanned
 * @param partitions the partitions where something was cut
 */
public record RecoveryReport(
    boolean cleanShutdown, int scannedPartitions, List<PartitionRecovery> partitions) {

  public RecoveryReport {
    partitions = List.copyOf(partitions);
  }

  /** Total bytes cut over all partitions. */
  public long truncatedBytes() {
    return partitions.stream().mapToLong(PartitionRecovery::truncatedBytes).sum();
  }

  /** Whether recovery cut nothing. */
  public boolean isEmpty() {
    return partitions.isEmpty();
  }

  /**
   * What recovery cut from one partition.
   *
   * @param partition the partition
   * @param recoveredFromOffset the recovery point the scan started from
   * @param logEndOffset the log end offset after recovery
   * @param cuts each place bytes were cut, in log order
   */
  public record PartitionRecovery(
      TopicPartition partition, long recoveredFromOffset, long logEndOffset, List<Cut> cuts) {

    public PartitionRecovery {
      cuts = List.copyOf(cuts);
    }

    public long truncatedBytes() {
      return cuts.stream().mapToLong(Cut::truncatedBytes).sum();
    }
  }

  /**
   * One cut: from {@code position} to the end of {@code source}.
   *
   * @param source the segment (a file, for file-based backends)
   * @param position the byte position of the first byte cut
   * @param truncatedBytes how many bytes were cut
   * @param reason why, e.g. the checksum that failed
   */
  public record Cut(String source, long position, long truncatedBytes, String reason) {}
}
