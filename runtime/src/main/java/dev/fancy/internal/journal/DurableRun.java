package dev.fancy.internal.journal;

import dev.fancy.internal.core.EventDelivery;
import dev.fancy.run.EventSubscription;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handle on a journaled run, wherever it executes: its status, history and events come from
 * the journal, so a handle in one process follows a run another process executes.
 */
final class DurableRun implements RunHandle {

  private static final Logger LOG = LoggerFactory.getLogger(DurableRun.class);

  /**
   * How long a subscription waits for an event whose transaction has not committed while a
   * later event's has, before it moves past it: an event is committed within
   * {@link JournalWriter#LAZY_FLUSH_MILLIS} of being journaled unless its process died.
   */
  private static final Duration GAP_GRACE = Duration.ofSeconds(1);

  private final DurableCore engine;
  private final UUID runId;

  DurableRun(DurableCore engine, UUID runId) {
    this.engine = engine;
    this.runId = runId;
  }

  @Override
  public UUID id() {
    return runId;
  }

  @Override
  public RunStatus status() {
    return engine.status(runId);
  }

  @Override
  public RunStatus await(Duration timeout) {
    return engine.await(runId, timeout);
  }

  @Override
  public RunResult result() {
    return engine.result(runId);
  }

  @Override
  public boolean cancel(String reason) {
    return engine.cancel(runId, reason);
  }

  @Override
  public RunHistory history() {
    JournalStore journal = engine.journal();
    return journal.snapshot("read the history of run " + runId, () -> {
      JournalRun run = engine.journalRun(runId);
      return JournalHistory.of(journal, run, journal.loadWorkflow(run.workflowHash()));
    });
  }

  @Override
  public List<RunEvent> events(long fromSequence) {
    return engine.journal().events(runId, fromSequence);
  }

  @Override
  public EventSubscription subscribe(long fromSequence, Consumer<RunEvent> subscriber) {
    return new Feed(fromSequence, subscriber);
  }

  /**
   * Hands the run's events to one subscriber, in order, each once. The events of a run executing
   * in this process are handed over as their transactions commit ({@link EventWatchers}); the
   * journal is read when the subscription begins, to fill a gap, and every
   * {@link DurableCore#eventPoll()} for a run another process executes.
   */
  private final class Feed implements EventSubscription {
    private final Consumer<RunEvent> subscriber;
    private final EventCursor cursor;
    private final Runnable unwatch;
    /** The next look at the journal; guarded by this. */
    private ScheduledFuture<?> poll;
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private volatile boolean active = true;
    /** Whether the journal was read since the subscription began; guarded by this. */
    private boolean read;

    Feed(long from, Consumer<RunEvent> subscriber) {
      this.subscriber = subscriber;
      this.cursor = new EventCursor(from, GAP_GRACE, System::nanoTime);
      // Watch before the first read: an event that commits in between is in one or the other.
      this.unwatch = engine.journal().watchEvents(runId, this::committed);
      synchronized (this) {
        this.poll = engine.scheduler().schedule(this::poll, 0, TimeUnit.MILLISECONDS);
      }
    }

    /** On the thread that committed {@code event}: hands the delivery to the feed's threads. */
    private void committed(RunEvent event) {
      if (!active) {
        return;
      }
      cursor.offer(event);
      if (drainQueued.compareAndSet(false, true)) {
        try {
          engine.scheduler().execute(() -> {
            drainQueued.set(false);
            deliver();
          });
        } catch (RejectedExecutionException e) {
          drainQueued.set(false); // the engine is closing
        }
      }
    }

    /**
     * Reads the journal if the subscription just began, a gap waits, or another process executes
     * the run; then looks again after {@link DurableCore#eventPoll()}, or after the gap grace
     * while the run executes here (its events come as they commit; only a gap needs a look).
     */
    private synchronized void poll() {
      if (!active) {
        return;
      }
      boolean here = engine.executesHere(runId);
      if (!read || cursor.hasGap() || !here) {
        try {
          cursor.offerAll(engine.journal().events(runId, cursor.next()));
          read = true;
        } catch (RuntimeException e) {
          LOG.warn("cannot read the events of run {}; retrying: {}", runId, e.getMessage());
        }
      }
      deliver();
      if (active) {
        try {
          poll = engine.scheduler().schedule(this::poll,
              (here ? GAP_GRACE : engine.eventPoll()).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          active = false; // the engine is closing
        }
      }
    }

    private synchronized void deliver() {
      for (RunEvent event : cursor.take()) {
        if (!active || !EventDelivery.deliver(runId, subscriber, event, this::close)) {
          return;
        }
      }
    }

    @Override
    public boolean isActive() {
      return active;
    }

    @Override
    public void close() {
      active = false;
      unwatch.run();
      synchronized (this) {
        poll.cancel(false);
      }
    }
  }
}
