package io.samsa;

/**
 * What an append was given: the offsets of its records and the time the log stamped it with.
 *
 * @param topicPartition the partition appended to
 * @param baseOffset the offset of the first record
 * @param lastOffset the offset of the last record
 * @param appendTimeMs the store clock's time at the append, in milliseconds since the epoch
 */
public record AppendResult(
    TopicPartition topicPartition, long baseOffset, long lastOffset, long appendTimeMs) {

  /** The number of records appended. */
  public int recordCount() {
    return Math.toIntExact(lastOffset - baseOffset + 1);
  }
}
