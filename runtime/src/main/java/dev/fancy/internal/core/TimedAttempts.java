package dev.fancy.internal.core;

import dev.fancy.run.AttemptTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs attempts that have a timeout, each on a thread of its own, at most {@code maxThreads} at a
 * time (threads are created on demand and end after 30 s idle). An attempt that times out is
 * interrupted; if its code ignores the interrupt it keeps its thread: such lingering attempts are
 * counted ({@link #lingering()}) and logged when they finally end, and when every thread is taken
 * the next timed attempt fails at once with a message that says why, instead of starting yet
 * another thread.
 */
final class TimedAttempts {

  private static final Logger LOG = LoggerFactory.getLogger(TimedAttempts.class);

  private static final int NOT_STARTED = 0;
  private static final int RUNNING = 1;
  private static final int ENDED = 2;
  private static final int TIMED_OUT = 3;

  private final int maxThreads;
  private final LazyThreadPool<ThreadPoolExecutor> pool;
  private final AtomicInteger lingering = new AtomicInteger();

  TimedAttempts(int maxThreads) {
    this.maxThreads = maxThreads;
    this.pool = new LazyThreadPool<>("fancy-attempt-", threads -> new ThreadPoolExecutor(0,
        maxThreads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), threads));
  }

  /**
   * Runs {@code body} and waits at most {@code timeout} for it.
   *
   * @throws AttemptTimeoutException if it took longer (it was interrupted)
   * @throws CancellationException if this thread was interrupted meanwhile (the run stopped)
   * @throws IllegalStateException if every thread is taken
   * @throws Throwable whatever {@code body} threw
   */
  Object[] call(String slug, int attempt, Duration timeout, Callable<Object[]> body)
      throws Throwable {
    AtomicInteger state = new AtomicInteger(NOT_STARTED);
    long[] timedOutAt = new long[1];
    Future<Object[]> call;
    try {
      call = pool.get().submit(() -> {
        if (!state.compareAndSet(NOT_STARTED, RUNNING)) {
          return null; // timed out before it started
        }
        try {
          return body.call();
        } finally {
          if (!state.compareAndSet(RUNNING, ENDED)) {
            lingering.decrementAndGet();
            LOG.warn("attempt {} of step '{}' ended {} ms after it timed out; its code ignored "
                + "the interrupt", attempt, slug, (System.nanoTime() - timedOutAt[0]) / 1_000_000);
          }
        }
      });
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("no thread to run attempt " + attempt + " of step '" + slug
          + "' under its timeout: all " + maxThreads + " threads for timed attempts are busy, "
          + lingering.get() + " of them with attempts that timed out and ignore interrupts. Make "
          + "those steps stop when interrupted, or raise Engine.Builder.maxTimedAttempts", e);
    }
    try {
      return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abandon(call, state, timedOutAt);
      throw new AttemptTimeoutException(slug, attempt, timeout);
    } catch (ExecutionException e) {
      throw e.getCause();
    } catch (InterruptedException e) {
      abandon(call, state, timedOutAt);
      throw new CancellationException("the run was stopped while step '" + slug + "' ran");
    }
  }

  private void abandon(Future<?> call, AtomicInteger state, long[] timedOutAt) {
    timedOutAt[0] = System.nanoTime();
    if (state.compareAndSet(RUNNING, TIMED_OUT)) {
      lingering.incrementAndGet();
    } else {
      state.compareAndSet(NOT_STARTED, TIMED_OUT);
    }
    call.cancel(true);
  }

  /** Attempts that timed out and whose code has not ended yet. */
  int lingering() {
    return lingering.get();
  }

  void shutdown() {
    pool.shutdown();
  }
}
