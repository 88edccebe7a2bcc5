package io.samsa;

/**
 * An {@code acks=all} write found fewer in-sync replicas than the topic's {@code
 * minInsyncReplicas}. When {@link #afterAppend()} is false the write was refused before anything
 * was appended; when true the records were appended on the leader but the in-sync replica set
 * shrank below the minimum before they were committed, so they are not acknowledged as durable
 * (they may still be committed later, or be lost in a fail-over).
 */
public class NotEnoughReplicasException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final TopicPartition partition;
  private final int inSyncReplicas;
  private final int minInsyncReplicas;
  private final boolean afterAppend;

  public NotEnoughReplicasException(
      TopicPartition partition, int inSyncReplicas, int minInsyncReplicas, boolean afterAppend) {
    super("not enough in-sync replicas" + (afterAppend ? " after append" : "") + ": partition="
        + partition + ", inSyncReplicas=" + inSyncReplicas + ", minInsyncReplicas="
        + minInsyncReplicas + " (required: inSyncReplicas >= minInsyncReplicas)");
    this.partition = partition;
    this.inSyncReplicas = inSyncReplicas;
    this.minInsyncReplicas = minInsyncReplicas;
    this.afterAppend = afterAppend;
  }

  public TopicPartition partition() {
    return partition;
  }

  public int inSyncReplicas() {
    return inSyncReplicas;
  }

  public int minInsyncReplicas() {
    return minInsyncReplicas;
  }

  /** True if the records were appended before the in-sync replica set shrank. */
  public boolean afterAppend() {
    return afterAppend;
  }
}
