package io.samsa.benchmarks;

import java.util.Map;

/**
 * How a workload wants a contender's logs: the same settings, translated by each contender to its
 * own configuration.
 *
 * @param partitions how many partition logs
 * @param segmentBytes the segment size (Samsa's and Kafka's {@code segment.bytes}; unused by
 *     Chronicle, whose files roll by time)
 * @param fsyncEveryBatch whether every append is forced to disk before it returns
 * @param samsaOptions backend options passed to a Samsa store ({@code Samsa.Builder.backendOption})
 */
record LogSpec(int partitions, int segmentBytes, boolean fsyncEveryBatch, Map<String, String> samsaOptions) {
  /** Kafka's and Samsa's default segment size. */
  static final int DEFAULT_SEGMENT_BYTES = 1 << 30;

  LogSpec {
    samsaOptions = Map.copyOf(samsaOptions);
  }

  /** One partition, default segments, no fsync, no options. */
  static LogSpec single() {
    return new LogSpec(1, DEFAULT_SEGMENT_BYTES, false, Map.of());
  }

  LogSpec withFsync(boolean fsync) {
    return new LogSpec(partitions, segmentBytes, fsync, samsaOptions);
  }

  LogSpec withSegmentBytes(int bytes) {
    return new LogSpec(partitions, bytes, fsyncEveryBatch, samsaOptions);
  }

  LogSpec withPartitions(int count) {
    return new LogSpec(count, segmentBytes, fsyncEveryBatch, samsaOptions);
  }

  LogSpec withSamsaOptions(Map<String, String> options) {
    return new LogSpec(partitions, segmentBytes, fsyncEveryBatch, options);
  }
}
