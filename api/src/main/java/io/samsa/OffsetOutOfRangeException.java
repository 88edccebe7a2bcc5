package io.samsa;

/**
 * An offset below the log start offset or above the log end offset was asked for. The valid
 * offsets to read from are {@code [logStartOffset, logEndOffset]} (reading at the end offset
 * returns nothing, or waits).
 */
public class OffsetOutOfRangeException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final TopicPartition partition;
  private final long requested;
  private final long logStartOffset;
  private final long logEndOffset;

  public OffsetOutOfRangeException(
      TopicPartition partition, long requested, long logStartOffset, long logEndOffset) {
    super("offset out of range: partition=" + partition + ", offset=" + requested
        + ", logStartOffset=" + logStartOffset + ", logEndOffset=" + logEndOffset
        + " (allowed: " + logStartOffset + " <= offset <= " + logEndOffset + ")");
    this.partition = partition;
    this.requested = requested;
    this.logStartOffset = logStartOffset;
    this.logEndOffset = logEndOffset;
  }

  public TopicPartition partition() {
    return partition;
  }

  public long requested() {
    return requested;
  }

  public long logStartOffset() {
    return logStartOffset;
  }

  public long logEndOffset() {
    return logEndOffset;
  }
}
