package io.samsa.testkit;

import io.samsa.core.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A {@link Scheduler} that runs nothing by itself: {@link #runDue()} runs, on the calling thread,
 * every task whose time on the given clock has come (including tasks those tasks schedule, if
 * due). Tests advance a {@link ManualClock} and call it, so background work happens at points
 * they choose.
 */
public final class ManualScheduler implements Scheduler {
  private final Clock clock;
  private final List<Task> tasks = new ArrayList<>();

  public ManualScheduler(Clock clock) {
    this.clock = clock;
  }

  private record Task(long dueMillis, Runnable runnable, CompletableFuture<Void> future) {}

  @Override
  public synchronized Future<?> schedule(Runnable task, Duration delay) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    tasks.add(new Task(clock.millis() + delay.toMillis(), task, future));
    return future;
  }

  /**
   * Runs every due task, oldest due time first.
   *
   * @return how many ran
   */
  public int runDue() {
    int ran = 0;
    while (true) {
      Task next;
      synchronized (this) {
        long now = clock.millis();
        next = null;
        for (Task t : tasks) {
          if (t.dueMillis <= now && (next == null || t.dueMillis < next.dueMillis)) {
            next = t;
          }
        }
        if (next == null) {
          return ran;
        }
        tasks.remove(next);
      }
      if (next.future.isCancelled()) {
        continue;
      }
      next.runnable.run();
      next.future.complete(null);
      ran++;
    }
  }

  /** Tasks waiting, due or not. */
  public synchronized int pending() {
    return (int) tasks.stream().filter(t -> !t.future.isCancelled()).count();
  }
}
