package io.samsa.core.replication;

/** How many replicas must have a write before it is acknowledged, as Kafka's {@code acks}. */
public enum Acks {
  /** {@code acks=0}: acknowledged as soon as it is handed to the leader; may be lost. */
  NONE,
  /** {@code acks=1}: acknowledged once the leader appended it; lost if the leader fails first. */
  LEADER,
  /**
   * {@code acks=all}: acknowledged once the high watermark passes it, i.e. every in-sync replica
   * has it; refused while the in-sync replica set is smaller than {@code minInsyncReplicas}.
   */
  ALL
}
