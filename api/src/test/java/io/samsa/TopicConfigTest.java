package io.samsa;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class TopicConfigTest {
  private static final long SEVEN_DAYS_MS = 7L * 24 * 60 * 60 * 1000;

  // --- defaults -------------------------------------------------------------------------------

  @Test
  void defaults_everySetting_equalsKafkaDefault() {
    TopicConfig c = TopicConfig.defaults();
    assertAll(
        () -> assertEquals(1 << 30, c.segmentBytes(), "segment.bytes: 1 GiB"),
        () -> assertEquals(SEVEN_DAYS_MS, c.segmentMs(), "segment.ms: 7 days"),
        () -> assertEquals(10 * 1024 * 1024, c.segmentIndexBytes(), "segment.index.bytes: 10 MiB"),
        () -> assertEquals(4096, c.indexIntervalBytes(), "index.interval.bytes"),
        () -> assertEquals(-1L, c.retentionBytes(), "retention.bytes: unlimited"),
        () -> assertEquals(SEVEN_DAYS_MS, c.retentionMs(), "retention.ms: 7 days"),
        () -> assertEquals(1_048_588, c.maxBatchBytes(), "max.message.bytes: 1 MiB + 12"),
        () -> assertEquals(FlushPolicy.never(), c.flushPolicy(), "flush: never"),
        () -> assertEquals(Long.MAX_VALUE, c.flushPolicy().messages(), "flush.messages"),
        () -> assertEquals(Long.MAX_VALUE, c.flushPolicy().intervalMs(), "flush.ms"));
  }

  @Test
  void asMap_defaults_writesKafkaDefaultValues() {
    Map<String, String> expected = new TreeMap<>();
    expected.put("segment.bytes", "1073741824");
    expected.put("segment.ms", "604800000");
    expected.put("segment.index.bytes", "10485760");
    expected.put("index.interval.bytes", "4096");
    expected.put("retention.bytes", "-1");
    expected.put("retention.ms", "604800000");
    expected.put("max.message.bytes", "1048588");
    expected.put("flush.messages", Long.toString(Long.MAX_VALUE));
    expected.put("flush.ms", Long.toString(Long.MAX_VALUE));
    assertEquals(expected, TopicConfig.defaults().asMap());
  }

  @Test
  void keys_everyKey_isKafkasTopicConfigName() {
    assertEquals(Set.of(
            org.apache.kafka.common.config.TopicConfig.SEGMENT_BYTES_CONFIG,
            org.apache.kafka.common.config.TopicConfig.SEGMENT_MS_CONFIG,
            org.apache.kafka.common.config.TopicConfig.SEGMENT_INDEX_BYTES_CONFIG,
            org.apache.kafka.common.config.TopicConfig.INDEX_INTERVAL_BYTES_CONFIG,
            org.apache.kafka.common.config.TopicConfig.RETENTION_BYTES_CONFIG,
            org.apache.kafka.common.config.TopicConfig.RETENTION_MS_CONFIG,
            org.apache.kafka.common.config.TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            org.apache.kafka.common.config.TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG,
            org.apache.kafka.common.config.TopicConfig.FLUSH_MS_CONFIG),
        TopicConfig.KEYS);
    assertEquals(TopicConfig.KEYS, TopicConfig.defaults().asMap().keySet());
  }

  @Test
  void fromMap_emptyMap_givesDefaults() {
    assertEquals(TopicConfig.defaults(), TopicConfig.fromMap(Map.of()));
  }

  // --- round trips ----------------------------------------------------------------------------

  @Test
  void fromMap_asMapOfDefaults_roundTrips() {
    TopicConfig c = TopicConfig.defaults();
    assertEquals(c, TopicConfig.fromMap(c.asMap()));
  }

  @Test
  void asMap_foreverRetention_writesMinusOneAndReadsBackForever() {
    TopicConfig c = TopicConfig.builder().retentionTime(TopicConfig.FOREVER).build();
    assertEquals(Long.MAX_VALUE, c.retentionMs());
    assertEquals("-1", c.asMap().get(TopicConfig.RETENTION_MS));
    TopicConfig back = TopicConfig.fromMap(c.asMap());
    assertEquals(Long.MAX_VALUE, back.retentionMs());
    assertEquals(c, back);
  }

  @Test
  void fromMap_retentionMsMinusOne_meansForever() {
    TopicConfig c = TopicConfig.fromMap(Map.of(TopicConfig.RETENTION_MS, "-1"));
    assertEquals(Long.MAX_VALUE, c.retentionMs());
  }

  @Test
  void asMap_combinedFlushPolicy_roundTrips() {
    FlushPolicy policy = FlushPolicy.everyMessages(1000).orEvery(Duration.ofSeconds(1));
    TopicConfig c = TopicConfig.builder().flushPolicy(policy).build();
    assertEquals("1000", c.asMap().get(TopicConfig.FLUSH_MESSAGES));
    assertEquals("1000", c.asMap().get(TopicConfig.FLUSH_MS));
    TopicConfig back = TopicConfig.fromMap(c.asMap());
    assertEquals(policy, back.flushPolicy());
    assertEquals(1000, back.flushPolicy().messages());
    assertEquals(1000, back.flushPolicy().intervalMs());
    assertEquals(c, back);
  }

  @Test
  void asMap_everyAppendFlushPolicy_roundTrips() {
    TopicConfig c = TopicConfig.builder().flushPolicy(FlushPolicy.everyAppend()).build();
    TopicConfig back = TopicConfig.fromMap(c.asMap());
    assertEquals(FlushPolicy.everyAppend(), back.flushPolicy());
    assertTrue(back.flushPolicy().isEveryAppend());
  }

  @Test
  void asMap_timeOnlyFlushPolicy_roundTrips() {
    FlushPolicy policy = FlushPolicy.every(Duration.ofMillis(200));
    TopicConfig back = TopicConfig.fromMap(TopicConfig.builder().flushPolicy(policy).build().asMap());
    assertEquals(policy, back.flushPolicy());
    assertEquals(Long.MAX_VALUE, back.flushPolicy().messages());
  }

  @Test
  void asMap_everySetting_roundTrips() {
    TopicConfig c = TopicConfig.builder()
        .segmentBytes(128)
        .segmentAge(Duration.ofMinutes(3))
        .segmentIndexBytes(24)
        .indexIntervalBytes(0)
        .retentionBytes(1)
        .retentionTime(Duration.ofMillis(1))
        .maxBatchBytes(61)
        .flushPolicy(FlushPolicy.everyMessages(7))
        .build();
    TopicConfig back = TopicConfig.fromMap(c.asMap());
    assertAll(
        () -> assertEquals(128, back.segmentBytes()),
        () -> assertEquals(180_000, back.segmentMs()),
        () -> assertEquals(24, back.segmentIndexBytes()),
        () -> assertEquals(0, back.indexIntervalBytes()),
        () -> assertEquals(1, back.retentionBytes()),
        () -> assertEquals(1, back.retentionMs()),
        () -> assertEquals(61, back.maxBatchBytes()),
        () -> assertEquals(FlushPolicy.everyMessages(7), back.flushPolicy()),
        () -> assertEquals(c, back),
        () -> assertEquals(c.hashCode(), back.hashCode()));
  }

  /** Any valid Kafka-style map, with any subset of keys, reads and writes back unchanged. */
  @Test
  void fromMap_randomValidMaps_roundTripThroughAsMap() {
    qt().withExamples(500).forAll(validMaps()).checkAssert(map -> {
      TopicConfig c = TopicConfig.fromMap(map);
      Map<String, String> written = c.asMap();
      Map<String, String> expected = new TreeMap<>(TopicConfig.defaults().asMap());
      expected.putAll(map);
      if ("9223372036854775807".equals(expected.get(TopicConfig.RETENTION_MS))) {
        expected.put(TopicConfig.RETENTION_MS, "-1"); // Long.MAX_VALUE is forever, written as -1
      }
      assertEquals(expected, written);
      assertEquals(c, TopicConfig.fromMap(written));
      assertEquals(c, c.toBuilder().build());
    });
  }

  @Test
  void asMap_anyConfig_isSortedAndUnmodifiable() {
    Map<String, String> m = TopicConfig.defaults().asMap();
    assertEquals(new ArrayList<>(new TreeMap<>(m).keySet()), new ArrayList<>(m.keySet()));
    assertThrows(UnsupportedOperationException.class, () -> m.put("x", "y"));
  }

  @Test
  void toBuilder_changedSetting_leavesOriginalAlone() {
    TopicConfig c = TopicConfig.defaults();
    TopicConfig d = c.toBuilder().segmentBytes(4096).build();
    assertEquals(1 << 30, c.segmentBytes());
    assertEquals(4096, d.segmentBytes());
    assertNotEquals(c, d);
  }

  // --- refusals -------------------------------------------------------------------------------

  @Test
  void fromMap_unknownKey_throwsNamingKeyValueAndKnownKeys() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> TopicConfig.fromMap(Map.of("segment.byte", "1024")));
    assertEquals("segment.byte", e.key());
    assertEquals("1024", e.value());
    assertMessageContains(e, "segment.byte", "1024");
    for (String known : TopicConfig.KEYS) {
      assertMessageContains(e, known);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "segment.bytes, 1GB",
    "segment.ms, 7d",
    "segment.index.bytes, ''",
    "index.interval.bytes, 4k",
    "retention.bytes, unlimited",
    "retention.ms, forever",
    "max.message.bytes, 1.5",
    "flush.messages, 0x10",
    "flush.ms, never",
  })
  void fromMap_nonNumericValue_throwsNamingKeyValueAndWhatIsAllowed(String key, String value) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> TopicConfig.fromMap(Map.of(key, value)));
    assertEquals(key, e.key());
    assertEquals(value, e.value());
    assertMessageContains(e, "key=" + key, "value=" + value, "integer");
  }

  @Test
  void fromMap_nullValue_throwsInvalidConfig() {
    Map<String, String> m = new TreeMap<>();
    m.put(TopicConfig.SEGMENT_BYTES, null);
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> TopicConfig.fromMap(m));
    assertEquals(TopicConfig.SEGMENT_BYTES, e.key());
  }

  /** Each value is one below the smallest allowed; the message must name the bound. */
  @ParameterizedTest
  @CsvSource({
    "segment.bytes, 127, 128",
    "segment.ms, 0, 1",
    "segment.index.bytes, 23, 24",
    "index.interval.bytes, -1, 0",
    "max.message.bytes, 60, 61",
    "flush.messages, 0, 1",
    "flush.ms, 0, 1",
    "retention.bytes, -2, 1",
    "retention.ms, -2, 1",
  })
  void fromMap_valueBelowMinimum_throwsNamingKeyValueAndBound(String key, String value, String min) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> TopicConfig.fromMap(Map.of(key, value)));
    assertEquals(key, e.key());
    assertEquals(value, e.value());
    assertMessageContains(e, "key=" + key, "value=" + value, "[" + min + ", ");
  }

  /**
   * retention.bytes accepts -1 (unlimited) and 1.., so a refusal that claims the allowed range is
   * [1, max] misleads: -1 must be named too.
   */
  @Test
  void fromMap_retentionBytesZero_messageNamesMinusOneAsAllowed() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> TopicConfig.fromMap(Map.of(TopicConfig.RETENTION_BYTES, "0")));
    assertMessageContains(e, "key=retention.bytes", "value=0", "-1");
  }

  /** retention.ms accepts -1 (forever) and 1..; the refusal must say so. */
  @Test
  void fromMap_retentionMsZero_messageNamesMinusOneAsAllowed() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> TopicConfig.fromMap(Map.of(TopicConfig.RETENTION_MS, "0")));
    assertMessageContains(e, "key=retention.ms", "value=0", "-1");
  }

  /**
   * An int setting given a number beyond the int range is out of range, not "not an integer": the
   * message must name the allowed range.
   */
  @ParameterizedTest
  @CsvSource({
    "segment.bytes, 2147483648",
    "segment.index.bytes, 4294967296",
    "index.interval.bytes, 2147483648",
    "max.message.bytes, 9999999999",
  })
  void fromMap_intSettingBeyondIntRange_throwsNamingAllowedRange(String key, String value) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> TopicConfig.fromMap(Map.of(key, value)));
    assertEquals(key, e.key());
    assertMessageContains(e, "key=" + key, "value=" + value, "2147483647");
  }

  @Test
  void builder_outOfRangeValues_throwInvalidConfigNamingKeyAndValue() {
    assertAll(
        () -> assertRefused(TopicConfig.SEGMENT_BYTES, "127",
            () -> TopicConfig.builder().segmentBytes(127)),
        () -> assertRefused(TopicConfig.SEGMENT_MS, "0",
            () -> TopicConfig.builder().segmentAge(Duration.ZERO)),
        () -> assertRefused(TopicConfig.SEGMENT_INDEX_BYTES, "23",
            () -> TopicConfig.builder().segmentIndexBytes(23)),
        () -> assertRefused(TopicConfig.INDEX_INTERVAL_BYTES, "-1",
            () -> TopicConfig.builder().indexIntervalBytes(-1)),
        () -> assertRefused(TopicConfig.RETENTION_BYTES, "0",
            () -> TopicConfig.builder().retentionBytes(0)),
        () -> assertRefused(TopicConfig.RETENTION_MS, "-5",
            () -> TopicConfig.builder().retentionTime(Duration.ofMillis(-5))),
        () -> assertRefused(TopicConfig.MAX_MESSAGE_BYTES, "60",
            () -> TopicConfig.builder().maxBatchBytes(60)));
  }

  @Test
  void builder_unlimitedRetentionBytes_isAccepted() {
    assertEquals(TopicConfig.UNLIMITED,
        TopicConfig.builder().retentionBytes(TopicConfig.UNLIMITED).build().retentionBytes());
  }

  @Test
  void flushPolicy_nonPositiveSettings_throwIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> FlushPolicy.everyMessages(0));
    assertThrows(IllegalArgumentException.class, () -> FlushPolicy.every(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> FlushPolicy.every(Duration.ofMillis(-1)));
  }

  // --- helpers --------------------------------------------------------------------------------

  private static Gen<Map<String, String>> validMaps() {
    Gen<Boolean> present = booleans().all();
    Gen<Integer> segmentBytes = integers().between(TopicConfig.MIN_SEGMENT_BYTES, Integer.MAX_VALUE);
    Gen<Long> positiveMs = longs().between(1, Long.MAX_VALUE);
    Gen<Integer> indexBytes = integers().between(TopicConfig.MIN_SEGMENT_INDEX_BYTES, Integer.MAX_VALUE);
    Gen<Integer> interval = integers().between(0, Integer.MAX_VALUE);
    Gen<Long> retentionBytes = longs().between(1, Long.MAX_VALUE).mix(Generate.constant(-1L));
    Gen<Long> retentionMs = positiveMs.mix(Generate.constant(-1L));
    Gen<Integer> maxBatch = integers().between(61, Integer.MAX_VALUE);
    return rs -> {
      Map<String, String> m = new TreeMap<>();
      putMaybe(m, present.generate(rs), TopicConfig.SEGMENT_BYTES, segmentBytes.generate(rs));
      putMaybe(m, present.generate(rs), TopicConfig.SEGMENT_MS, positiveMs.generate(rs));
      putMaybe(m, present.generate(rs), TopicConfig.SEGMENT_INDEX_BYTES, indexBytes.generate(rs));
      putMaybe(m, present.generate(rs), TopicConfig.INDEX_INTERVAL_BYTES, interval.generate(rs));
      putMaybe(m, present.generate(rs), TopicConfig.RETENTION_BYTES, retentionBytes.generate(rs));
      putMaybe(m, present.generate(rs), TopicConfig.RETENTION_MS, retentionMs.generate(rs));
      putMaybe(m, present.generate(rs), TopicConfig.MAX_MESSAGE_BYTES, maxBatch.generate(rs));
      putMaybe(m, present.generate(rs), TopicConfig.FLUSH_MESSAGES, positiveMs.generate(rs));
      putMaybe(m, present.generate(rs), TopicConfig.FLUSH_MS, positiveMs.generate(rs));
      return m;
    };
  }

  private static void putMaybe(Map<String, String> m, boolean present, String key, Number value) {
    if (present) {
      m.put(key, value.toString());
    }
  }

  private static void assertRefused(String key, String value, Runnable action) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, action::run);
    assertEquals(key, e.key());
    assertEquals(value, e.value());
    assertMessageContains(e, "key=" + key, "value=" + value);
  }

  private static void assertMessageContains(Exception e, String... parts) {
    List<String> missing = new ArrayList<>();
    for (String part : parts) {
      if (!e.getMessage().contains(part)) {
        missing.add(part);
      }
    }
    assertTrue(missing.isEmpty(), () -> "message lacks " + missing + ": " + e.getMessage());
  }
}
