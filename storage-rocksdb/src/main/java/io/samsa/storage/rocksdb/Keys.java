package io.samsa.storage.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The key layout, big-endian throughout so that RocksDB's bytewise order is numeric order.
 *
 * <pre>
 *  batches    [partition id: 8][base offset: 8]                        the batch's bytes
 *  timeindex  [partition id: 8][segment base: 8][timestamp^sign: 8]    last offset of a batch (8)
 *  meta       'N'                                                      next partition id (8)
 *             'T' 0 topic                                              topic metadata
 *             'P' 0 topic 0 [partition: 4]                             partition id (8)
 *             'S' [partition id: 8][segment base: 8]                   segment state (see Segment)
 *             'C' [partition id: 8]                                    checkpoint
 * </pre>
 *
 * <p>Partition ids are never reused, so a deleted topic's keys never mix with a new one's.
 * Timestamps have their sign bit flipped, so that negative ones sort first.
 */
final class Keys {
  static final byte[] NEXT_PARTITION_ID = {'N'};

  private Keys() {}

  static byte[] batch(long partitionId, long offset) {
    return ByteBuffer.allocate(16).putLong(partitionId).putLong(offset).array();
  }

  /** The first key past every batch of the partition. */
  static byte[] batchesEnd(long partitionId) {
    return batch(partitionId + 1, 0);
  }

  static long offsetOf(byte[] batchKey) {
    return ByteBuffer.wrap(batchKey).getLong(8);
  }

  static byte[] time(long partitionId, long segmentBase, long timestamp) {
    return ByteBuffer.allocate(24).putLong(partitionId).putLong(segmentBase)
        .putLong(timestamp ^ Long.MIN_VALUE).array();
  }

  /** The first time-index key of a segment. */
  static byte[] timeStart(long partitionId, long segmentBase) {
    return time(partitionId, segmentBase, Long.MIN_VALUE);
  }

  /** The first time-index key past a segment's. */
  static byte[] timeEnd(long partitionId, long segmentBase) {
    return time(partitionId, segmentBase + 1, Long.MIN_VALUE);
  }

  static byte[] topic(String name) {
    return prefixed('T', name.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] topicsStart() {
    return new byte[] {'T', 0};
  }

  static byte[] topicsEnd() {
    return new byte[] {'T', 1};
  }

  static String topicOf(byte[] topicKey) {
    return new String(topicKey, 2, topicKey.length - 2, StandardCharsets.UTF_8);
  }

  static byte[] partition(String topic, int partition) {
    byte[] name = topic.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + name.length + 1 + 4).put((byte) 'P').put((byte) 0).put(name)
        .put((byte) 0).putInt(partition).array();
  }

  static byte[] segment(long partitionId, long base) {
    return ByteBuffer.allocate(17).put((byte) 'S').putLong(partitionId).putLong(base).array();
  }

  static byte[] segmentsStart(long partitionId) {
    return segment(partitionId, 0);
  }

  static byte[] segmentsEnd(long partitionId) {
    return segment(partitionId + 1, 0);
  }

  static long segmentBaseOf(byte[] segmentKey) {
    return ByteBuffer.wrap(segmentKey).getLong(9);
  }

  static byte[] checkpoint(long partitionId) {
    return ByteBuffer.allocate(9).put((byte) 'C').putLong(partitionId).array();
  }

  static byte[] longValue(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static long longOf(byte[] value) {
    return ByteBuffer.wrap(value).getLong();
  }

  private static byte[] prefixed(char kind, byte[] name) {
    return ByteBuffer.allocate(2 + name.length).put((byte) kind).put((byte) 0).put(name).array();
  }
}
