package dev.fancy.internal.core;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A pool of daemon threads named {@code <prefix><pool>-<n>}, created on first use, so an engine
 * that never times out an attempt, retries after a backoff or runs a control-flow step starts no
 * extra threads.
 *
 * @param <E> the kind of pool
 */
final class LazyThreadPool<E extends ExecutorService> {

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final String prefix;
  private final Function<ThreadFactory, E> create;
  private volatile E pool;

  LazyThreadPool(String prefix, Function<ThreadFactory, E> create) {
    this.prefix = prefix;
    this.create = create;
  }

  /** A lazily created cached pool. */
  static LazyThreadPool<ExecutorService> cached(String prefix) {
    return new LazyThreadPool<>(prefix, Executors::newCachedThreadPool);
  }

  /** A lazily created single-thread scheduler. */
  static LazyThreadPool<ScheduledExecutorService> timer(String prefix) {
    return new LazyThreadPool<>(prefix, Executors::newSingleThreadScheduledExecutor);
  }

  E get() {
    E current = pool;
    if (current == null) {
      synchronized (this) {
        current = pool;
        if (current == null) {
          current = create.apply(daemonThreads(prefix));
          pool = current;
        }
      }
    }
    return current;
  }

  void shutdown() {
    E current = pool;
    if (current != null) {
      current.shutdown();
    }
  }

  /** A factory of daemon threads named {@code <prefix><pool>-<n>}. */
  static ThreadFactory daemonThreads(String prefix) {
    String name = prefix + POOLS.incrementAndGet() + "-";
    AtomicInteger threads = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
