package io.samsa.core.replication;

import io.samsa.InvalidConfigException;
import io.samsa.TopicConfig;
import java.util.Objects;

/**
 * How a replicated topic is replicated, and the config of each replica's log.
 *
 * @param replicationFactor replicas per partition, each on its own node
 * @param minInsyncReplicas the in-sync replicas an {@link Acks#ALL} write needs
 * @param uncleanLeaderElection whether a replica outside the in-sync set may become leader when
 *     no in-sync replica is alive (availability over durability: acknowledged records may be lost)
 * @param logConfig the config of every replica's log
 */
public record ReplicatedTopicConfig(
    int replicationFactor, int minInsyncReplicas, boolean uncleanLeaderElection, TopicConfig logConfig) {

  public ReplicatedTopicConfig {
    Objects.requireNonNull(logConfig, "logConfig");
    if (replicationFactor < 1) {
      throw new InvalidConfigException("replication.factor", Integer.toString(replicationFactor),
          "must be >= 1");
    }
    if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
      throw new InvalidConfigException("min.insync.replicas", Integer.toString(minInsyncReplicas),
          "must be in [1, replication.factor=" + replicationFactor + "]");
    }
  }

  /** Clean elections only, the default log config. */
  public static ReplicatedTopicConfig of(int replicationFactor, int minInsyncReplicas) {
    return new ReplicatedTopicConfig(replicationFactor, minInsyncReplicas, false, TopicConfig.defaults());
  }

  /** This config with unclean leader election allowed or not. */
  public ReplicatedTopicConfig withUncleanLeaderElection(boolean allowed) {
    return new ReplicatedTopicConfig(replicationFactor, minInsyncReplicas, allowed, logConfig);
  }

  /** This config with another log config. */
  public ReplicatedTopicConfig withLogConfig(TopicConfig config) {
    return new ReplicatedTopicConfig(replicationFactor, minInsyncReplicas, uncleanLeaderElection, config);
  }
}
