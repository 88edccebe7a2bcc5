package io.samsa;

/** MurmurHash2 (32-bit, by Austin Appleby) with the seed Kafka's clients use. */
final class Murmur2Partitioner implements Partitioner {
  static final Murmur2Partitioner INSTANCE = new Murmur2Partitioner();

  private static final int SEED = 0x9747b28c;
  private static final int M = 0x5bd1e995;
  private static final int R = 24;

  private Murmur2Partitioner() {}

  @Override
  public int partition(byte[] key, int partitionCount) {
    if (partitionCount < 1) {
      throw new IllegalArgumentException("partitionCount must be >= 1: partitionCount=" + partitionCount);
    }
    return (hash(key) & 0x7fffffff) % partitionCount;
  }

  static int hash(byte[] data) {
    int length = data.length;
    int h = SEED ^ length;
    int blocks = length >>> 2;
    for (int i = 0; i < blocks; i++) {
      int at = i << 2;
      int k = (data[at] & 0xff)
          | (data[at + 1] & 0xff) << 8
          | (data[at + 2] & 0xff) << 16
          | (data[at + 3] & 0xff) << 24;
      k *= M;
      k ^= k >>> R;
      k *= M;
      h *= M;
      h ^= k;
    }
    int tail = blocks << 2;
    switch (length & 3) {
      case 3:
        h ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        h ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        h ^= data[tail] & 0xff;
        h *= M;
        break;
      default:
        break;
    }
    h ^= h >>> 13;
    h *= M;
    h ^= h >>> 15;
    return h;
  }

  @Override
  public String toString() {
    return "Partitioner.murmur2()";
  }
}
