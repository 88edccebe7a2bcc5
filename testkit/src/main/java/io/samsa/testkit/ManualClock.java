package io.samsa.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when told to, so that tests of time never sleep. Thread-safe. */
public final class ManualClock extends Clock {
  private volatile long millis;

  public ManualClock(long startMillis) {
    this.millis = startMillis;
  }

  public synchronized void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("a clock does not go back: " + d);
    }
    millis += d.toMillis();
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
