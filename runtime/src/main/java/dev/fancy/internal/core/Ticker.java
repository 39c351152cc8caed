package dev.fancy.internal.core;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The core's time for waiting: retry backoffs, attempt timeouts and lease heartbeats are
 * scheduled here, never slept. The system ticker runs tasks on a scheduler thread after real
 * delays; tests hand the front doors a manual one and move time themselves, so no test of time
 * waits on the wall clock.
 */
public interface Ticker {

  /** A scheduled task, until it runs. */
  interface Scheduled {
    /**
     * Cancels the task if it has not run.
     *
     * @return whether it was cancelled before it ran
     */
    boolean cancel();
  }

  /** Runs {@code task} once {@code delay} has passed on this ticker. */
  Scheduled schedule(Duration delay, Runnable task);

  /** This ticker's monotonic time in nanoseconds (the real ticker: {@link System#nanoTime}). */
  default long nanoTime() {
    return System.nanoTime();
  }

  /** The real time: tasks run on the scheduler {@code threads} supplies, after real delays. */
  static Ticker system(Supplier<? extends ScheduledExecutorService> threads) {
    return (delay, task) -> {
      ScheduledFuture<?> future =
          threads.get().schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }
}
