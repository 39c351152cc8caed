package dev.fancy.internal.core;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's count of attempts that were given up on — timed out, or abandoned when a stopped
 * run's cancel grace ran out — while their code, deaf to the interrupt, still holds a thread.
 * Each is logged when its code finally returns.
 */
final class Lingering {

  private static final Logger LOG = LoggerFactory.getLogger(Lingering.class);

  private final AtomicInteger count = new AtomicInteger();

  /** An attempt was given up on while its code still runs. */
  void started() {
    count.incrementAndGet();
  }

  /**
   * The code of an attempt given up on returned.
   *
   * @param what the attempt, as a log line names it ("attempt 2 of step 'etl.load'")
   * @param why what happened to it ("timed out", "was abandoned")
   * @param lateMillis how long after that its code returned
   */
  void ended(String what, String why, long lateMillis) {
    count.decrementAndGet();
    LOG.warn("{} ended {} ms after it {}; its code ignored the interrupt", what, lateMillis, why);
  }

  /** Attempts given up on whose code has not returned yet. */
  int count() {
    return count.get();
  }
}
