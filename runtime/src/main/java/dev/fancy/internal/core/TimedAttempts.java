package dev.fancy.internal.core;

import dev.fancy.run.AttemptTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs attempts that have a timeout or a heartbeat timeout, each on a thread of its own, at most {@code maxThreads} at a
 * time (threads are created on demand and end after 30 s idle). When every thread is taken, the
 * next timed attempt waits for one, first come first served; its timeout counts from when its
 * code starts, not from when it was queued. An attempt that times out is interrupted; if its code
 * ignores the interrupt it keeps its thread: such attempts are counted as {@link Lingering} and
 * logged when they finally end.
 */
final class TimedAttempts {

  private static final int NOT_STARTED = 0;
  private static final int RUNNING = 1;
  private static final int ENDED = 2;
  private static final int TIMED_OUT = 3;

  private final Ticker ticker;
  private final LazyThreadPool<ThreadPoolExecutor> pool;
  private final Lingering lingering;

  TimedAttempts(int maxThreads, Ticker ticker, Lingering lingering) {
    this.ticker = ticker;
    this.lingering = lingering;
    this.pool = new LazyThreadPool<>("fancy-attempt-", threads -> {
      ThreadPoolExecutor executor = new ThreadPoolExecutor(maxThreads, maxThreads, 30,
          TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
      executor.allowCoreThreadTimeOut(true);
      return executor;
    });
  }

  /**
   * Runs {@code body} and waits at most {@code timeout} for it, and while {@code heartbeat} (if
   * any) has not gone {@code heartbeatTimeout} without a beat.
   *
   * @param timeout the attempt's timeout, or null
   * @param heartbeatTimeout the longest the attempt may go without a heartbeat, or null
   * @param heartbeat the attempt's heartbeat (restarted when its code starts), or null
   * @throws AttemptTimeoutException if it took longer or stopped beating (it was interrupted)
   * @throws CancellationException if this thread was interrupted meanwhile (the run stopped)
   * @throws IllegalStateException if the engine is closed
   * @throws Throwable whatever {@code body} threw
   */
  Object[] call(String slug, int attempt, Duration timeout, Duration heartbeatTimeout,
      Heartbeat heartbeat, Callable<Object[]> body) throws Throwable {
    AtomicInteger state = new AtomicInteger(NOT_STARTED);
    long[] timedOutAt = new long[1];
    CompletableFuture<Object[]> outcome = new CompletableFuture<>();
    AtomicReference<Future<?>> call = new AtomicReference<>();
    AtomicReference<Ticker.Scheduled> timer = new AtomicReference<>();
    AtomicReference<Ticker.Scheduled> watch = new AtomicReference<>();
    Runnable timeoutTask = () -> {
      if (abandon(call.get(), state, timedOutAt)) {
        outcome.completeExceptionally(new AttemptTimeoutException(slug, attempt, timeout));
      }
    };
    // Looks at the heartbeat when it is due: a hung attempt is timed out, a beating one is looked
    // at again one heartbeat timeout after its latest beat.
    Runnable watchTask = new Runnable() {
      @Override
      public void run() {
        long left = heartbeatTimeout.toNanos() - heartbeat.idleNanos();
        if (left > 0) {
          if (state.get() == RUNNING) {
            watch.set(ticker.schedule(Duration.ofNanos(left), this));
          }
        } else if (abandon(call.get(), state, timedOutAt)) {
          outcome.completeExceptionally(
              AttemptTimeoutException.noHeartbeat(slug, attempt, heartbeatTimeout));
        }
      }
    };
    FutureTask<Void> task = new FutureTask<>(() -> {
      if (!state.compareAndSet(NOT_STARTED, RUNNING)) {
        return; // stopped while it waited for a thread
      }
      // the timeouts count from here
      if (timeout != null) {
        timer.set(ticker.schedule(timeout, timeoutTask));
      }
      if (heartbeatTimeout != null) {
        heartbeat.run();
        watch.set(ticker.schedule(heartbeatTimeout, watchTask));
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
        lingering.ended("attempt " + attempt + " of step '" + slug + "'", "timed out",
            (System.nanoTime() - timedOutAt[0]) / 1_000_000);
      }
    }, null);
    call.set(task);
    try {
      pool.get().execute(task);
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("attempt " + attempt + " of step '" + slug + "' cannot "
          + "start: the engine is closed", e);
    }
    try {
      return outcome.get();
    } catch (ExecutionException e) {
      throw e.getCause();
    } catch (InterruptedException e) {
      abandon(call.get(), state, timedOutAt);
      throw new CancellationException("the run was stopped while step '" + slug + "' ran");
    } finally {
      cancel(timer.get());
      cancel(watch.get());
    }
  }

  private static void cancel(Ticker.Scheduled scheduled) {
    if (scheduled != null) {
      scheduled.cancel();
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
      lingering.started();
      claimed = true;
    } else {
      claimed = state.compareAndSet(NOT_STARTED, TIMED_OUT);
    }
    if (claimed) {
      call.cancel(true);
    }
    return claimed;
  }

  void shutdown() {
    pool.shutdown();
  }
}
