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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handle on a journaled run, wherever it executes: its status, history and events come from
 * the journal, so a handle in one process follows a run another process executes.
 */
final class DurableRun implements RunHandle {

  private static final Logger LOG = LoggerFactory.getLogger(DurableRun.class);

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
    return engine.journalRun(runId).status();
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
    JournalRun run = engine.journalRun(runId);
    return JournalHistory.of(engine.journal(), run,
        engine.journal().loadWorkflow(run.workflowHash()));
  }

  @Override
  public List<RunEvent> events(long fromSequence) {
    return engine.journal().events(runId, fromSequence);
  }

  @Override
  public EventSubscription subscribe(long fromSequence, Consumer<RunEvent> subscriber) {
    return new Feed(engine.scheduler(), fromSequence, subscriber);
  }

  /** Follows the run's events in the journal and hands new ones to one subscriber, in order. */
  private final class Feed implements EventSubscription {
    private final Consumer<RunEvent> subscriber;
    private final ScheduledFuture<?> poll;
    private long next;
    private volatile boolean active = true;

    Feed(ScheduledExecutorService scheduler, long from, Consumer<RunEvent> subscriber) {
      this.subscriber = subscriber;
      this.next = Math.max(1, from);
      this.poll = scheduler.scheduleWithFixedDelay(this::deliver, 0,
          engine.eventPoll().toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void deliver() {
      if (!active) {
        return;
      }
      List<RunEvent> batch;
      try {
        batch = engine.journal().events(runId, next);
      } catch (RuntimeException e) {
        LOG.warn("cannot read the events of run {}; retrying: {}", runId, e.getMessage());
        return;
      }
      for (RunEvent event : batch) {
        if (!active) {
          return;
        }
        next = event.sequence() + 1;
        if (!EventDelivery.deliver(runId, subscriber, event, this::close)) {
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
      poll.cancel(false);
    }
  }
}
