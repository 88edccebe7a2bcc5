package io.samsa.testkit.model;

import io.samsa.FlushPolicy;
import io.samsa.TopicConfig;
import java.time.Duration;

/**
 * The topic settings of a scenario: small segments and indexes so that rolls, full indexes and
 * retention happen within a few dozen steps.
 *
 * @param flushMessages 0 for never, 1 for every append, n for every n records
 * @param flushMs 0 for no time-based flush, else the interval of background flushes
 */
public record LogSettings(
    int segmentBytes,
    int indexIntervalBytes,
    int segmentIndexBytes,
    long retentionBytes,
    long retentionMs,
    long segmentMs,
    int flushMessages,
    long flushMs) {

  public TopicConfig topicConfig() {
    return TopicConfig.builder()
        .segmentBytes(segmentBytes)
        .indexIntervalBytes(indexIntervalBytes)
        .segmentIndexBytes(segmentIndexBytes)
        .retentionBytes(retentionBytes)
        .retentionTime(retentionMs == Long.MAX_VALUE ? TopicConfig.FOREVER : Duration.ofMillis(retentionMs))
        .segmentAge(Duration.ofMillis(segmentMs))
        .flushPolicy(flushPolicy())
        .build();
  }

  private FlushPolicy flushPolicy() {
    FlushPolicy byCount = flushMessages == 0 ? FlushPolicy.never() : FlushPolicy.everyMessages(flushMessages);
    return flushMs == 0 ? byCount : byCount.orEvery(Duration.ofMillis(flushMs));
  }
}
