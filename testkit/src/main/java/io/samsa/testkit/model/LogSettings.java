package io.samsa.testkit.model;

import io.samsa.FlushPolicy;
import io.samsa.TopicConfig;
import java.time.Duration;

/**
 * The topic settings of a scenario: small segments and indexes so that rolls, full indexes and
 * retention happen within a few dozen steps.
 *
 * @param flushMessages 0 for never, 1 for every append, n for every n records
 */
public record LogSettings(
    int segmentBytes,
    int indexIntervalBytes,
    int segmentIndexBytes,
    long retentionBytes,
    long retentionMs,
    long segmentMs,
    int flushMessages) {

  public TopicConfig topicConfig() {
    return TopicConfig.builder()
        .segmentBytes(segmentBytes)
        .indexIntervalBytes(indexIntervalBytes)
        .segmentIndexBytes(segmentIndexBytes)
        .retentionBytes(retentionBytes)
        .retentionTime(retentionMs == Long.MAX_VALUE ? TopicConfig.FOREVER : Duration.ofMillis(retentionMs))
        .segmentAge(Duration.ofMillis(segmentMs))
        .flushPolicy(flushMessages == 0 ? FlushPolicy.never() : FlushPolicy.everyMessages(flushMessages))
        .build();
  }
}
