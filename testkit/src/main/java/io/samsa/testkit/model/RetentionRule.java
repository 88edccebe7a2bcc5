package io.samsa.testkit.model;

import io.samsa.SegmentInfo;
import io.samsa.TopicConfig;
import java.util.List;

/**
 * Kafka's retention rule, the oracle for what retention may delete: the oldest sealed segments,
 * one by one, while the next one starts at or below the log start, or the partition without the
 * segment is still at least {@code retention.bytes}, or the segment's newest record is older than
 * {@code retention.ms}. The first segment that meets none stops it; the active one always stays.
 */
public final class RetentionRule {
  private RetentionRule() {}

  /** How many of {@code segments}, oldest first, retention deletes now. */
  public static int deletable(List<SegmentInfo> segments, TopicConfig config, long nowMs, long logStart) {
    long size = segments.stream().mapToLong(SegmentInfo::sizeInBytes).sum();
    int n = 0;
    while (n < segments.size() - 1) {
      SegmentInfo s = segments.get(n);
      boolean belowStart = segments.get(n + 1).baseOffset() <= logStart;
      boolean tooBig = config.retentionBytes() != TopicConfig.UNLIMITED
          && size - s.sizeInBytes() >= config.retentionBytes();
      boolean tooOld = config.retentionMs() != Long.MAX_VALUE
          && nowMs - s.maxTimestamp() > config.retentionMs();
      if (!(belowStart || tooBig || tooOld)) {
        break;
      }
      size -= s.sizeInBytes();
      n++;
    }
    return n;
  }
}
