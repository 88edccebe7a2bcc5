package io.samsa.core;

import java.time.Duration;
import java.util.concurrent.Future;

/**
 * Runs a store's background work: flushing rolled segments, time-based flushes, checkpoints and
 * retention. A store uses its own daemon thread unless given a scheduler; tests give one they
 * drive by hand, so that no test has to sleep.
 *
 * <p>Implementations must be thread-safe. A store cancels what it scheduled when it closes; it
 * does not shut down a scheduler it was given.
 */
@FunctionalInterface
public interface Scheduler {
  /**
   * Runs {@code task} once, after {@code delay}.
   *
   * @return a future whose {@code cancel} prevents a run that has not started
   */
  Future<?> schedule(Runnable task, Duration delay);

  /**
   * A scheduler that never runs anything: the store does no background work, and the application
   * calls {@link io.samsa.LogStore#flush()} and {@link io.samsa.LogStore#applyRetention()} itself.
   */
  static Scheduler disabled() {
    return (task, delay) -> java.util.concurrent.CompletableFuture.completedFuture(null);
  }
}
