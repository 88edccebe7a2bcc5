package io.samsa;

/**
 * Maps a record key to a partition. The default, {@link #murmur2()}, sends every key to the
 * partition Kafka's default partitioner would choose, so data keyed in Kafka lands in the same
 * partition numbers here.
 */
@FunctionalInterface
public interface Partitioner {
  /**
   * @param key the record key, never {@code null} (keyless records are spread round-robin)
   * @param partitionCount the topic's partition count, at least 1
   * @return a partition in {@code [0, partitionCount)}
   */
  int partition(byte[] key, int partitionCount);

  /**
   * Kafka's default: {@code (murmur2(key) & 0x7fffffff) % partitionCount}, with MurmurHash2 seeded
   * {@code 0x9747b28c} as in Kafka's clients.
   */
  static Partitioner murmur2() {
    return Murmur2Partitioner.INSTANCE;
  }
}
