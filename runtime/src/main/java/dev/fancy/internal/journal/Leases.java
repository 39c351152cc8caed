package dev.fancy.internal.journal;

import dev.fancy.internal.core.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's leases on the runs it executes: a heartbeat renews them every third of the
 * lease (and stops the runs whose lease another process took), and a scan takes over runs whose
 * lease ran out every {@code takeoverInterval}. Lease ends are measured on the journal's clock.
 */
final class Leases {

  private static final Logger LOG = LoggerFactory.getLogger("dev.fancy.engine.DurableEngine");

  private final JournalStore journal;
  private final String owner;
  private final Duration lease;
  private final ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private volatile boolean paused;
  private volatile boolean closed;

  /**
   * @param ticker when heartbeats and scans happen, or null for real time on this object's own
   *     scheduler thread
   */
  Leases(JournalStore journal, String owner, Duration lease, int id, Ticker ticker) {
    this.journal = journal;
    this.owner = owner;
    this.lease = lease;
    this.scheduler = Executors.newScheduledThreadPool(2, task -> {
      Thread thread = new Thread(task, "fancy-lease-" + id);
      thread.setDaemon(true);
      return thread;
    });
    this.ticker = ticker != null ? ticker : Ticker.system(() -> scheduler);
  }

  /**
   * Starts the heartbeat and the takeover scan.
   *
   * @param held the leases of the runs executing here now
   * @param executing whether a run still executes here and has not begun recording its end (a
   *     run whose end committed released its lease: a renewal that misses it did not lose it)
   * @param lost called with each run whose lease another process took
   * @param takeover takes over runs whose lease ran out
   */
  void start(Duration takeoverInterval, Supplier<List<Lease>> held, Predicate<UUID> executing,
      Consumer<UUID> lost, Runnable takeover) {
    Duration heartbeat = Duration.ofMillis(Math.max(1, lease.toMillis() / 3));
    repeat(heartbeat, () -> renew(held, executing, lost));
    repeat(takeoverInterval, () -> {
      try {
        takeover.run();
      } catch (RuntimeException e) {
        LOG.warn("cannot look for runs to take over: {}", e.getMessage());
      }
    });
  }

  /** Runs {@code task} every {@code every} (after each run ends) until closed. */
  private void repeat(Duration every, Runnable task) {
    if (closed) {
      return;
    }
    ticker.schedule(every, () -> {
      try {
        task.run();
      } finally {
        repeat(every, task);
      }
    });
  }

  /** When a lease taken or renewed now runs out. */
  Instant leaseEnd() {
    return journal.clock().instant().plus(lease);
  }

  /** Stops or resumes renewal: a test hook that simulates a process paused past its lease. */
  void pause(boolean pause) {
    paused = pause;
  }

  private void renew(Supplier<List<Lease>> held, Predicate<UUID> executing,
      Consumer<UUID> lost) {
    if (paused) {
      return;
    }
    List<Lease> leases = held.get();
    if (leases.isEmpty()) {
      return;
    }
    try {
      Set<UUID> gone = journal.runTable().renew(leases, leaseEnd());
      if (gone.isEmpty()) {
        return;
      }
      // A run that ended here while the leases were renewed released its lease; it is not lost.
      for (UUID runId : gone) {
        if (executing.test(runId)) {
          LOG.warn("run {} lost its lease to another process; stopping it here", runId);
          lost.accept(runId);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot renew the leases of {}: {}", owner, e.getMessage());
    }
  }

  /** Stops the heartbeat and the scan. */
  void close() {
    closed = true;
    scheduler.shutdownNow();
  }
}
