package io.samsa;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The settings of a topic, with Kafka's names and defaults.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>builder method</th><th>default</th></tr>
 *   <tr><td>{@code segment.bytes}</td><td>{@link Builder#segmentBytes}</td><td>1 GiB</td></tr>
 *   <tr><td>{@code segment.ms}</td><td>{@link Builder#segmentAge}</td><td>7 days</td></tr>
 *   <tr><td>{@code segment.index.bytes}</td><td>{@link Builder#segmentIndexBytes}</td><td>10 MiB</td></tr>
 *   <tr><td>{@code index.interval.bytes}</td><td>{@link Builder#indexIntervalBytes}</td><td>4096</td></tr>
 *   <tr><td>{@code retention.bytes}</td><td>{@link Builder#retentionBytes}</td><td>-1 (unlimited)</td></tr>
 *   <tr><td>{@code retention.ms}</td><td>{@link Builder#retentionTime}</td><td>7 days</td></tr>
 *   <tr><td>{@code max.message.bytes}</td><td>{@link Builder#maxBatchBytes}</td><td>1,048,588</td></tr>
 *   <tr><td>{@code flush.messages}, {@code flush.ms}</td><td>{@link Builder#flushPolicy}</td><td>never</td></tr>
 * </table>
 *
 * <p>As in Kafka, retention is on by default: records older than seven days are deleted, whole
 * segments at a time. Use {@code retentionTime(TopicConfig.FOREVER)} to keep everything.
 */
public final class TopicConfig {
  public static final String SEGMENT_BYTES = "segment.bytes";
  public static final String SEGMENT_MS = "segment.ms";
  public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
  public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String RETENTION_MS = "retention.ms";
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String FLUSH_MESSAGES = "flush.messages";
  public static final String FLUSH_MS = "flush.ms";

  /** All keys a topic config accepts. */
  public static final Set<String> KEYS =
      Set.of(SEGMENT_BYTES, SEGMENT_MS, SEGMENT_INDEX_BYTES, INDEX_INTERVAL_BYTES, RETENTION_BYTES,
          RETENTION_MS, MAX_MESSAGE_BYTES, FLUSH_MESSAGES, FLUSH_MS);

  /** {@code retention.bytes} value for "no size limit". */
  public static final long UNLIMITED = -1L;

  /** {@code retention.ms} value for "keep forever". */
  public static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

  /** The smallest segment the store accepts, in bytes. */
  public static final int MIN_SEGMENT_BYTES = 128;

  /** The smallest index the store accepts: room for two time-index entries. */
  public static final int MIN_SEGMENT_INDEX_BYTES = 24;

  private static final TopicConfig DEFAULTS = new Builder().build();

  private final int segmentBytes;
  private final long segmentMs;
  private final int segmentIndexBytes;
  private final int indexIntervalBytes;
  private final long retentionBytes;
  private final long retentionMs;
  private final int maxBatchBytes;
  private final FlushPolicy flushPolicy;

  private TopicConfig(Builder b) {
    this.segmentBytes = b.segmentBytes;
    this.segmentMs = b.segmentMs;
    this.segmentIndexBytes = b.segmentIndexBytes;
    this.indexIntervalBytes = b.indexIntervalBytes;
    this.retentionBytes = b.retentionBytes;
    this.retentionMs = b.retentionMs;
    this.maxBatchBytes = b.maxBatchBytes;
    this.flushPolicy = b.flushPolicy;
  }

  /** Kafka's defaults. */
  public static TopicConfig defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.segmentBytes = segmentBytes;
    b.segmentMs = segmentMs;
    b.segmentIndexBytes = segmentIndexBytes;
    b.indexIntervalBytes = indexIntervalBytes;
    b.retentionBytes = retentionBytes;
    b.retentionMs = retentionMs;
    b.maxBatchBytes = maxBatchBytes;
    b.flushPolicy = flushPolicy;
    return b;
  }

  /**
   * Reads a config from Kafka-style key/value pairs; keys that are absent take their default.
   *
   * @throws InvalidConfigException if a key is unknown or a value is not a number in range
   */
  public static TopicConfig fromMap(Map<String, String> map) {
    Builder b = new Builder();
    long flushMessages = Long.MAX_VALUE;
    long flushMs = Long.MAX_VALUE;
    for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      switch (key) {
        case SEGMENT_BYTES -> b.segmentBytes(intValue(key, value, MIN_SEGMENT_BYTES));
        case SEGMENT_MS -> b.segmentMs = check(key, longValue(key, value), 1, Long.MAX_VALUE);
        case SEGMENT_INDEX_BYTES -> b.segmentIndexBytes(intValue(key, value, MIN_SEGMENT_INDEX_BYTES));
        case INDEX_INTERVAL_BYTES -> b.indexIntervalBytes(intValue(key, value, 0));
        case RETENTION_BYTES -> b.retentionBytes(longValue(key, value));
        case RETENTION_MS -> {
          long ms = longValue(key, value);
          b.retentionMs = ms == -1 ? Long.MAX_VALUE : checkOrUnlimited(key, ms);
        }
        case MAX_MESSAGE_BYTES -> b.maxBatchBytes(intValue(key, value, 61));
        case FLUSH_MESSAGES -> flushMessages = check(key, longValue(key, value), 1, Long.MAX_VALUE);
        case FLUSH_MS -> flushMs = check(key, longValue(key, value), 1, Long.MAX_VALUE);
        default -> throw new InvalidConfigException(
            key, value, "unknown key; known keys are " + new TreeSet<>(KEYS));
      }
    }
    b.flushPolicy = FlushPolicy.of(flushMessages, flushMs);
    return b.build();
  }

  /** This config as Kafka-style key/value pairs, sorted by key; {@link #fromMap} reads it back. */
  public Map<String, String> asMap() {
    Map<String, String> m = new TreeMap<>();
    m.put(SEGMENT_BYTES, Integer.toString(segmentBytes));
    m.put(SEGMENT_MS, Long.toString(segmentMs));
    m.put(SEGMENT_INDEX_BYTES, Integer.toString(segmentIndexBytes));
    m.put(INDEX_INTERVAL_BYTES, Integer.toString(indexIntervalBytes));
    m.put(RETENTION_BYTES, Long.toString(retentionBytes));
    m.put(RETENTION_MS, Long.toString(retentionMs == Long.MAX_VALUE ? -1 : retentionMs));
    m.put(MAX_MESSAGE_BYTES, Integer.toString(maxBatchBytes));
    m.put(FLUSH_MESSAGES, Long.toString(flushPolicy.messages()));
    m.put(FLUSH_MS, Long.toString(flushPolicy.intervalMs()));
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  /** The largest segment, in bytes, before the log rolls a new one. */
  public int segmentBytes() {
    return segmentBytes;
  }

  /** The age after which a non-empty active segment is rolled, in milliseconds. */
  public long segmentMs() {
    return segmentMs;
  }

  /** The size each segment index may grow to; a full index rolls the segment. */
  public int segmentIndexBytes() {
    return segmentIndexBytes;
  }

  /** Bytes of batches between two entries of the sparse indexes. */
  public int indexIntervalBytes() {
    return indexIntervalBytes;
  }

  /** The size a partition is trimmed to by retention, or {@link #UNLIMITED}. */
  public long retentionBytes() {
    return retentionBytes;
  }

  /** How long records are kept, in milliseconds; {@code Long.MAX_VALUE} means forever. */
  public long retentionMs() {
    return retentionMs;
  }

  /** The largest record batch an append may produce, in bytes. */
  public int maxBatchBytes() {
    return maxBatchBytes;
  }

  public FlushPolicy flushPolicy() {
    return flushPolicy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicConfig c && asMap().equals(c.asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    return "TopicConfig" + asMap();
  }

  private static int intValue(String key, String value, int min) {
    return (int) check(key, longValue(key, value), min, Integer.MAX_VALUE);
  }

  /** For the retention settings, where -1 means "no limit". */
  private static long checkOrUnlimited(String key, long value) {
    if (value < 1 && value != -1) {
      throw new InvalidConfigException(key, Long.toString(value),
          "allowed values are -1 (no limit) or [1, " + Long.MAX_VALUE + "]");
    }
    return value;
  }

  private static long longValue(String key, String value) {
    try {
      return Long.parseLong(Objects.requireNonNull(value, "value").trim());
    } catch (NumberFormatException | NullPointerException e) {
      throw new InvalidConfigException(key, value, "not an integer");
    }
  }

  private static long check(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidConfigException(key, Long.toString(value),
          "allowed range is [" + min + ", " + max + "]");
    }
    return value;
  }

  /** Builds a {@link TopicConfig}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private int segmentBytes = 1 << 30;
    private long segmentMs = Duration.ofDays(7).toMillis();
    private int segmentIndexBytes = 10 << 20;
    private int indexIntervalBytes = 4096;
    private long retentionBytes = UNLIMITED;
    private long retentionMs = Duration.ofDays(7).toMillis();
    private int maxBatchBytes = 1024 * 1024 + 12;
    private FlushPolicy flushPolicy = FlushPolicy.never();

    private Builder() {}

    /**
     * @throws InvalidConfigException if {@code bytes < MIN_SEGMENT_BYTES}
     */
    public Builder segmentBytes(int bytes) {
      segmentBytes = (int) check(SEGMENT_BYTES, bytes, MIN_SEGMENT_BYTES, Integer.MAX_VALUE);
      return this;
    }

    /**
     * Rolls the active segment once it is older than {@code age} (measured from its first
     * batch), at the next append.
     *
     * @throws InvalidConfigException if {@code age} is not at least one millisecond
     */
    public Builder segmentAge(Duration age) {
      segmentMs = check(SEGMENT_MS, Objects.requireNonNull(age, "age").toMillis(), 1, Long.MAX_VALUE);
      return this;
    }

    /**
     * @throws InvalidConfigException if {@code bytes < MIN_SEGMENT_INDEX_BYTES}
     */
    public Builder segmentIndexBytes(int bytes) {
      segmentIndexBytes =
          (int) check(SEGMENT_INDEX_BYTES, bytes, MIN_SEGMENT_INDEX_BYTES, Integer.MAX_VALUE);
      return this;
    }

    /**
     * @throws InvalidConfigException if {@code bytes} is negative
     */
    public Builder indexIntervalBytes(int bytes) {
      indexIntervalBytes = (int) check(INDEX_INTERVAL_BYTES, bytes, 0, Integer.MAX_VALUE);
      return this;
    }

    /**
     * @param bytes the partition size retention trims to, or {@link #UNLIMITED}
     * @throws InvalidConfigException if {@code bytes} is neither positive nor {@link #UNLIMITED}
     */
    public Builder retentionBytes(long bytes) {
      retentionBytes = checkOrUnlimited(RETENTION_BYTES, bytes);
      return this;
    }

    /**
     * @param time how long records are kept, or {@link #FOREVER}
     * @throws InvalidConfigException if {@code time} is not at least one millisecond
     */
    public Builder retentionTime(Duration time) {
      retentionMs = check(RETENTION_MS, Objects.requireNonNull(time, "time").toMillis(), 1, Long.MAX_VALUE);
      return this;
    }

    /**
     * @throws InvalidConfigException if {@code bytes} is smaller than one record batch header (61)
     */
    public Builder maxBatchBytes(int bytes) {
      maxBatchBytes = (int) check(MAX_MESSAGE_BYTES, bytes, 61, Integer.MAX_VALUE);
      return this;
    }

    public Builder flushPolicy(FlushPolicy policy) {
      flushPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    public TopicConfig build() {
      return new TopicConfig(this);
    }
  }
}
