package io.samsa;

/**
 * A write (or a leader-only read) reached a replica that is not, or no longer, the leader of the
 * partition: a deposed leader that was fenced, a follower, or a partition with no leader at all.
 * Retry against the leader the cluster names now.
 */
public class NotLeaderException extends SamsaException {
  private static final long serialVersionUID = 1L;

  /** The {@link #leaderId()} when no replica leads the partition. */
  public static final int NO_LEADER = -1;

  private final TopicPartition partition;
  private final int nodeId;
  private final int leaderId;
  private final int leaderEpoch;

  public NotLeaderException(TopicPartition partition, int nodeId, int leaderId, int leaderEpoch) {
    super("not the leader: partition=" + partition + ", node=" + nodeId + ", leader="
        + (leaderId == NO_LEADER ? "none" : Integer.toString(leaderId)) + ", leaderEpoch="
        + leaderEpoch);
    this.partition = partition;
    this.nodeId = nodeId;
    this.leaderId = leaderId;
    this.leaderEpoch = leaderEpoch;
  }

  public TopicPartition partition() {
    return partition;
  }

  /** The node that refused. */
  public int nodeId() {
    return nodeId;
  }

  /** The leader as far as the refusing node knows, or {@link #NO_LEADER}. */
  public int leaderId() {
    return leaderId;
  }

  /** The latest leader epoch the refusing node knows. */
  public int leaderEpoch() {
    return leaderEpoch;
  }
}
