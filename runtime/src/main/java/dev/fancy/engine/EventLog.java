package dev.fancy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fancy.frame.Usage;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.EventSubscription;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunListener;
import dev.fancy.run.RunResult;
import dev.fancy.run.StepStatus;
import dev.fancy.value.ValueCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The numbered events of one run, made from its listener calls: kept in order in memory (the
 * in-memory engine's {@code events(from)}) and handed to subscribers, each on its own cursor so a
 * slow subscriber never holds up the run or another subscriber. A durable engine passes a
 * {@code sink} that journals each event.
 */
final class EventLog implements RunObserver {

  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

  private final UUID runId;
  private final ValueCodec codec;
  private final Executor delivery;
  private final Clock clock;
  private final Consumer<RunEvent> sink;
  private final List<RunEvent> events = new ArrayList<>();
  private final long firstSequence;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final List<RunListener> listeners;

  /**
   * @param firstSequence the sequence number of this log's first event (a resumed run goes on
   *     from its journaled events)
   * @param sink receives each event as it is numbered (under the log's lock, so in order), or
   *     null
   * @param listeners called with each event on the thread that caused it
   */
  EventLog(UUID runId, ValueCodec codec, Executor delivery, Clock clock,
      long firstSequence, Consumer<RunEvent> sink, List<RunListener> listeners) {
    this.runId = runId;
    this.codec = codec;
    this.delivery = delivery;
    this.clock = clock;
    this.firstSequence = firstSequence;
    this.sink = sink;
    this.listeners = List.copyOf(listeners);
  }

  /** The events with {@code sequence >= from}, in order. */
  synchronized List<RunEvent> from(long from) {
    int start = (int) Math.max(0, Math.min(events.size(), from - firstSequence));
    return List.copyOf(events.subList(start, events.size()));
  }

  /** Whether the run's final event is recorded. */
  synchronized boolean isFinished() {
    return !events.isEmpty() && events.get(events.size() - 1).isFinal();
  }

  /** Delivers events from {@code from} on, then new ones, until the final event or close. */
  EventSubscription subscribe(long from, Consumer<RunEvent> subscriber) {
    Subscription subscription = new Subscription(Math.max(from, firstSequence), subscriber);
    subscriptions.add(subscription);
    subscription.schedule();
    return subscription;
  }

  private void append(RunEvent.Type type, StepEvent step, int attempt, String status,
      ErrorInfo error, Duration delay, Usage usage, JsonNode chunk) {
    RunEvent event;
    synchronized (this) {
      event = new RunEvent(firstSequence + events.size(), runId, clock.instant(), type,
          step == null ? null : step.stepId(), step == null ? null : step.slug(), attempt, status,
          error, delay, usage, chunk);
      events.add(event);
      if (sink != null) {
        sink.accept(event);
      }
    }
    for (RunListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException | Error e) {
        LOG.warn("run listener {} failed on event {} ({}) of run {}; the run goes on", listener,
            event.sequence(), event.type(), runId, e);
      }
    }
    for (Subscription subscription : subscriptions) {
      subscription.schedule();
    }
  }

  @Override
  public void runStarted(UUID run, String workflowName) {
    append(RunEvent.Type.RUN_STARTED, null, 0, "RUNNING", null, null, null, null);
  }

  @Override
  public void runFinished(RunResult result) {
    append(RunEvent.Type.RUN_FINISHED, null, 0, result.status().name(),
        result.info().error(), null, result.usage(), null);
  }

  @Override
  public void stepStarted(StepEvent step) {
    append(RunEvent.Type.ATTEMPT_STARTED, step, 1, StepStatus.RUNNING.name(), null, null, null,
        null);
  }

  @Override
  public void chunk(StepEvent step, int attempt, long sequence, Object chunk) {
    JsonNode json;
    try {
      json = codec.toTree(chunk);
    } catch (RuntimeException e) {
      json = TextNode.valueOf(String.valueOf(chunk));
    }
    append(RunEvent.Type.CHUNK, step, attempt, null, null, null, null, json);
  }

  @Override
  public void attemptFailed(StepEvent step, int attempt, Throwable error) {
    append(RunEvent.Type.ATTEMPT_FAILED, step, attempt, StepStatus.RUNNING.name(),
        ErrorInfo.of(error, true), null, null, null);
  }

  @Override
  public void retryScheduled(StepEvent step, int nextAttempt, Duration delay) {
    append(RunEvent.Type.RETRY_SCHEDULED, step, nextAttempt, StepStatus.PENDING.name(), null,
        delay, null, null);
  }

  @Override
  public void cacheHit(StepEvent step) {
    append(RunEvent.Type.CACHE_HIT, step, 0, StepStatus.RUNNING.name(), null, null, null, null);
  }

  @Override
  public void stepSucceeded(StepEvent step) {
    append(RunEvent.Type.STEP_SUCCEEDED, step, 0, StepStatus.SUCCEEDED.name(), null, null, null,
        null);
  }

  @Override
  public void stepFailed(StepEvent step, Throwable error) {
    append(RunEvent.Type.STEP_FAILED, step, 0, StepStatus.FAILED.name(),
        ErrorInfo.of(error, false), null, null, null);
  }

  @Override
  public void stepSkipped(StepEvent step, String reason) {
    append(RunEvent.Type.STEP_SKIPPED, step, 0, StepStatus.SKIPPED.name(),
        ErrorInfo.of(ErrorInfo.SKIPPED, reason), null, null, null);
  }

  @Override
  public void stepCancelled(StepEvent step, String reason) {
    append(RunEvent.Type.STEP_CANCELLED, step, 0, StepStatus.CANCELLED.name(),
        ErrorInfo.of(ErrorInfo.CANCELLED, reason), null, null, null);
  }

  /** One subscriber's cursor; at most one delivery task runs for it at a time. */
  private final class Subscription implements EventSubscription {
    private final Consumer<RunEvent> subscriber;
    private long next;
    private boolean scheduled;
    private volatile boolean active = true;

    Subscription(long from, Consumer<RunEvent> subscriber) {
      this.next = from;
      this.subscriber = subscriber;
    }

    synchronized void schedule() {
      if (!active || scheduled) {
        return;
      }
      scheduled = true;
      delivery.execute(this::drain);
    }

    private void drain() {
      while (active) {
        List<RunEvent> batch;
        synchronized (this) {
          batch = from(next);
          if (batch.isEmpty()) {
            scheduled = false;
            return;
          }
          next = batch.get(batch.size() - 1).sequence() + 1;
        }
        for (RunEvent event : batch) {
          if (!active) {
            return;
          }
          try {
            subscriber.accept(event);
          } catch (RuntimeException | Error e) {
            LOG.warn("event subscriber {} of run {} failed on event {}; it is unsubscribed",
                subscriber, runId, event.sequence(), e);
            close();
            return;
          }
          if (event.isFinal()) {
            close();
            return;
          }
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
      subscriptions.remove(this);
    }
  }
}
