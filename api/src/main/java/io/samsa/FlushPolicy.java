package io.samsa;

import java.time.Duration;
import java.util.Objects;

/**
 * When a log forces its appended records to disk (fsync).
 *
 * <p>The default, {@link #never()}, is Kafka's: durability comes from replication and the OS
 * writes dirty pages back on its own schedule. Samsa still forces data when a segment rolls and
 * when the store closes, and advances the recovery point only past data that was forced. A crash
 * of the process loses nothing that reached the page cache; a crash of the machine can lose
 * records above the recovery point.
 *
 * <pre>{@code
 * FlushPolicy.everyAppend()                        // fsync before every append returns
 * FlushPolicy.everyMessages(1000)                  // after every 1,000 records
 * FlushPolicy.every(Duration.ofMillis(200))        // at least every 200 ms (background)
 * FlushPolicy.everyMessages(1000).orEvery(Duration.ofSeconds(1))
 * }</pre>
 */
public final class FlushPolicy {
  private static final FlushPolicy NEVER = new FlushPolicy(Long.MAX_VALUE, Long.MAX_VALUE);
  private static final FlushPolicy EVERY_APPEND = new FlushPolicy(1, Long.MAX_VALUE);

  private final long messages;
  private final long intervalMs;

  private FlushPolicy(long messages, long intervalMs) {
    this.messages = messages;
    this.intervalMs = intervalMs;
  }

  /** Never flush on a schedule; only on roll and close (the default). */
  public static FlushPolicy never() {
    return NEVER;
  }

  /** Flush before every append returns. */
  public static FlushPolicy everyAppend() {
    return EVERY_APPEND;
  }

  /**
   * Flush once {@code messages} records have been appended since the last flush.
   *
   * @throws IllegalArgumentException if {@code messages < 1}
   */
  public static FlushPolicy everyMessages(long messages) {
    if (messages < 1) {
      throw new IllegalArgumentException("flush messages must be >= 1: messages=" + messages);
    }
    return new FlushPolicy(messages, Long.MAX_VALUE);
  }

  /**
   * Flush in the background when the oldest unflushed append is older than {@code interval}.
   *
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public static FlushPolicy every(Duration interval) {
    return NEVER.orEvery(interval);
  }

  /** This policy, also flushing when unflushed data is older than {@code interval}. */
  public FlushPolicy orEvery(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("flush interval must be positive: interval=" + interval);
    }
    return new FlushPolicy(messages, interval.toMillis());
  }

  /** Creates a policy from Kafka's two settings ({@code Long.MAX_VALUE} meaning "not by this"). */
  static FlushPolicy of(long messages, long intervalMs) {
    if (messages == Long.MAX_VALUE && intervalMs == Long.MAX_VALUE) {
      return NEVER;
    }
    return new FlushPolicy(messages, intervalMs);
  }

  /** Records between flushes, or {@code Long.MAX_VALUE} for no count-based flush. */
  public long messages() {
    return messages;
  }

  /** Milliseconds between background flushes, or {@code Long.MAX_VALUE} for none. */
  public long intervalMs() {
    return intervalMs;
  }

  public boolean isEveryAppend() {
    return messages == 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlushPolicy p && p.messages == messages && p.intervalMs == intervalMs;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(messages) * 31 + Long.hashCode(intervalMs);
  }

  @Override
  public String toString() {
    if (this.equals(NEVER)) {
      return "FlushPolicy.never()";
    }
    if (messages == 1) {
      return "FlushPolicy.everyAppend()";
    }
    String s = messages == Long.MAX_VALUE ? "" : "everyMessages(" + messages + ")";
    String t = intervalMs == Long.MAX_VALUE ? "" : "every(" + Duration.ofMillis(intervalMs) + ")";
    return "FlushPolicy." + s + (s.isEmpty() || t.isEmpty() ? "" : ".or") + t;
  }
}
