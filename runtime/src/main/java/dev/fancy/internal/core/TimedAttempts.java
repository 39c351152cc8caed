package dev.fancy.internal.core;

import dev.fancy.run.AttemptTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
  private final Ticker ticker;
  private final LazyThreadPool<ThreadPoolExecutor> pool;
  private final AtomicInteger lingering = new AtomicInteger();

  TimedAttempts(int maxThreads, Ticker ticker) {
    this.maxThreads = maxThreads;
    this.ticker = ticker;
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
    CompletableFuture<Object[]> outcome = new CompletableFuture<>();
    Future<?> call;
    try {
      call = pool.get().submit(() -> {
        if (!state.compareAndSet(NOT_STARTED, RUNNING)) {
          return; // timed out before it started
        }
        Object[] result = null;
        Throwable error = null;
        try {
          result = body.call();
        } catch (Throwable t) {
          error = t;
        }
        // The state decides: an attempt the timeout has claimed is over, whatever it returns.
        if (state.compareAndSet(RUNNING, ENDED)) {
          if (error == null) {
            outcome.complete(result);
          } else {
            outcome.completeExceptionally(error);
          }
        } else {
          lingering.decrementAndGet();
          LOG.warn("attempt {} of step '{}' ended {} ms after it timed out; its code ignored "
              + "the interrupt", attempt, slug, (System.nanoTime() - timedOutAt[0]) / 1_000_000);
        }
      });
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("no thread to run attempt " + attempt + " of step '" + slug
          + "' under its timeout: all " + maxThreads + " threads for timed attempts are busy, "
          + lingering.get() + " of them with attempts that timed out and ignore interrupts. Make "
          + "those steps stop when interrupted, or raise Engine.Builder.maxTimedAttempts", e);
    }
    Ticker.Scheduled timer = ticker.schedule(timeout, () -> {
      if (abandon(call, state, timedOutAt)) {
        outcome.completeExceptionally(new AttemptTimeoutException(slug, attempt, timeout));
      }
    });
    try {
      return outcome.get();
    } catch (ExecutionException e) {
      throw e.getCause();
    } catch (InterruptedException e) {
      abandon(call, state, timedOutAt);
      throw new CancellationException("the run was stopped while step '" + slug + "' ran");
    } finally {
      timer.cancel();
    }
  }

  /**
   * Claims the attempt as over (timed out or cancelled) unless it has ended, and interrupts it;
   * an attempt whose code still runs is counted as lingering until it ends.
   *
   * @return whether this call claimed it
   */
  private boolean abandon(Future<?> call, AtomicInteger state, long[] timedOutAt) {
    timedOutAt[0] = System.nanoTime();
    boolean claimed;
    if (state.compareAndSet(RUNNING, TIMED_OUT)) {
      lingering.incrementAndGet();
      claimed = true;
    } else {
      claimed = state.compareAndSet(NOT_STARTED, TIMED_OUT);
    }
    if (claimed) {
      call.cancel(true);
    }
    return claimed;
  }

  /** Attempts that timed out and whose code has not ended yet. */
  int lingering() {
    return lingering.get();
  }

  void shutdown() {
    pool.shutdown();
  }
}
