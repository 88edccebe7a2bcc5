package io.samsa;

/** An append would produce a record batch larger than the topic allows; nothing was appended. */
public class RecordTooLargeException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final TopicPartition partition;
  private final long batchBytes;
  private final int maxBatchBytes;

  public RecordTooLargeException(TopicPartition partition, long batchBytes, int maxBatchBytes) {
    super("record batch too large: partition=" + partition + ", batchBytes=" + batchBytes
        + ", maxBatchBytes=" + maxBatchBytes + " (set " + TopicConfig.MAX_MESSAGE_BYTES
        + " and " + TopicConfig.SEGMENT_BYTES + " to allow larger batches)");
    this.partition = partition;
    this.batchBytes = batchBytes;
    this.maxBatchBytes = maxBatchBytes;
  }

  public TopicPartition partition() {
    return partition;
  }

  /** The encoded size of the refused batch, header included. */
  public long batchBytes() {
    return batchBytes;
  }

  public int maxBatchBytes() {
    return maxBatchBytes;
  }
}
