package dev.fancy.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cached pool of daemon threads named {@code <prefix><engine>-<n>}, created on first use, so an
 * engine that never times out an attempt or runs a control-flow step starts no extra threads.
 */
final class LazyThreadPool {

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final String prefix;
  private volatile ExecutorService pool;

  LazyThreadPool(String prefix) {
    this.prefix = prefix;
  }

  ExecutorService get() {
    ExecutorService current = pool;
    if (current == null) {
      synchronized (this) {
        current = pool;
        if (current == null) {
          current = Executors.newCachedThreadPool(daemonThreads(prefix));
          pool = current;
        }
      }
    }
    return current;
  }

  void shutdown() {
    ExecutorService current = pool;
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
