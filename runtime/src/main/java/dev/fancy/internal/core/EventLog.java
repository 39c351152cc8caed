package dev.fancy.internal.core;

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
import dev.fancy.workflow.WorkflowStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
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

  /** The details of an event that has more than a type, a step and an attempt. */
  private record Details(String status, ErrorInfo error, Duration delay, Usage usage,
      JsonNode chunk, RunEvent.Child child) {}

  /** The subject of a run event (one without a step). */
  private static final Object RUN = new Object();
  /** The most slots of one segment. */
  private static final int MAX_SEGMENT = 1024;
  private static final RunEvent.Type[] TYPES = RunEvent.Type.values();

  private final UUID runId;
  private final ValueCodec codec;
  private final Executor delivery;
  private final Instant startedAt;
  private final long startedNanos;
  private final Consumer<RunEvent> sink;
  private final long firstSequence;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final List<RunListener> listeners;
  /** Whether events must be made as they happen (for listeners or a sink), not only on read. */
  private final boolean eager;
  /**
   * The events, compact, in segments of {@link #segmentSize} slots: a writer claims the next index
   * with one atomic increment, writes the time, type, attempt and details into plain arrays and
   * then the subject (a step, or {@link #RUN}) with a volatile write that publishes the slot. Readers read up to the first slot not yet published and make
   * {@link RunEvent}s then: a step's events cost no allocation and no lock while it runs.
   */
  private volatile Segment[] segments = new Segment[4];
  private final AtomicLong claimed = new AtomicLong();
  /**
   * Slots per segment: a power of two about the events a run of this size records (two per
   * step and two of the run), from 16 to {@link #MAX_SEGMENT}, so that a kept run of a few steps
   * holds a few hundred bytes of slots instead of 20 KB.
   */
  private final int segmentSize;
  private final int segmentShift;

  /** One segment of slots. */
  private static final class Segment {
    final long[] nanos;
    final int[] typeAndAttempt;
    final Details[] details;
    final AtomicReferenceArray<Object> subjects;

    Segment(int size) {
      nanos = new long[size];
      typeAndAttempt = new int[size];
      details = new Details[size];
      subjects = new AtomicReferenceArray<>(size);
    }
  }

  /**
   * @param startedAt the wall-clock time that {@code startedNanos} stands for: event times are
   *     measured on the monotonic clock from there
   * @param firstSequence the sequence number of this log's first event (a resumed run goes on
   *     from its journaled events)
   * @param sink receives each event as it is numbered (from the thread that caused it; events
   *     of different steps may reach it out of order), or null
   * @param listeners called with each event on the thread that caused it
   * @param steps the workflow's steps, which size the log's segments
   */
  EventLog(UUID runId, ValueCodec codec, Executor delivery, Instant startedAt, long startedNanos,
      long firstSequence, Consumer<RunEvent> sink, List<RunListener> listeners, int steps) {
    long expected = Math.max(16, Math.min(MAX_SEGMENT, 2L * steps + 2));
    this.segmentSize = Integer.highestOneBit((int) expected - 1) << 1;
    this.segmentShift = Integer.numberOfTrailingZeros(segmentSize);
    this.runId = runId;
    this.codec = codec;
    this.delivery = delivery;
    this.startedAt = startedAt;
    this.startedNanos = startedNanos;
    this.firstSequence = firstSequence;
    this.sink = sink;
    this.listeners = List.copyOf(listeners);
    this.eager = sink != null || !this.listeners.isEmpty();
  }

  /** The segment of slot {@code index}, made on first use. */
  private Segment segment(long index) {
    int number = (int) (index >>> segmentShift);
    Segment[] current = segments;
    if (number < current.length && current[number] != null) {
      return current[number];
    }
    synchronized (this) {
      current = segments;
      if (number >= current.length) {
        current = java.util.Arrays.copyOf(current, Math.max(current.length * 2, number + 1));
      }
      if (current[number] == null) {
        current[number] = new Segment(segmentSize);
      }
      segments = current;
      return current[number];
    }
  }

  /** The event in slot {@code index}, or null if it is not published yet. */
  private RunEvent event(long index) {
    int number = (int) (index >>> segmentShift);
    Segment[] current = segments;
    if (number >= current.length || current[number] == null) {
      return null;
    }
    Segment segment = current[number];
    int slot = (int) (index & (segmentSize - 1));
    Object subject = segment.subjects.get(slot);
    if (subject == null) {
      return null;
    }
    Details details = segment.details[slot];
    WorkflowStep step = subject instanceof WorkflowStep s ? s : null;
    int typeAndAttempt = segment.typeAndAttempt[slot];
    return new RunEvent(firstSequence + index, runId,
        startedAt.plusNanos(segment.nanos[slot] - startedNanos), TYPES[typeAndAttempt & 0xff],
        step == null ? null : step.id(), step == null ? null : step.slug(), typeAndAttempt >>> 8,
        details == null ? null : details.status(), details == null ? null : details.error(),
        details == null ? null : details.delay(), details == null ? null : details.usage(),
        details == null ? null : details.chunk(), details == null ? null : details.child());
  }

  /** The events with {@code sequence >= from} recorded so far, in order, without gaps. */
  List<RunEvent> from(long from) {
    List<RunEvent> events = new ArrayList<>();
    long end = claimed.get();
    for (long index = Math.max(0, from - firstSequence); index < end; index++) {
      RunEvent event = event(index);
      if (event == null) {
        break; // claimed, not yet written: the caller sees it next time
      }
      events.add(event);
    }
    return events;
  }

  /** Delivers events from {@code from} on, then new ones, until the final event or close. */
  EventSubscription subscribe(long from, Consumer<RunEvent> subscriber) {
    Subscription subscription = new Subscription(Math.max(from, firstSequence), subscriber);
    subscriptions.add(subscription);
    subscription.schedule();
    return subscription;
  }

  private void append(RunEvent.Type type, WorkflowStep step, int attempt, Details details) {
    append(type, step, attempt, details, System.nanoTime());
  }

  /** Appends an event that happened at {@code nanos} ({@link System#nanoTime()}). */
  private void append(RunEvent.Type type, WorkflowStep step, int attempt, Details details,
      long nanos) {
    long index = claimed.getAndIncrement();
    Segment segment = segment(index);
    int slot = (int) (index & (segmentSize - 1));
    segment.nanos[slot] = nanos;
    segment.typeAndAttempt[slot] = type.ordinal() | attempt << 8;
    segment.details[slot] = details;
    segment.subjects.set(slot, step == null ? RUN : step); // publishes the slot
    if (eager) {
      RunEvent event = event(index);
      if (sink != null) {
        sink.accept(event);
      }
      for (RunListener listener : listeners) {
        try {
          listener.onEvent(event);
        } catch (RuntimeException | Error e) {
          LOG.warn("run listener {} failed on event {} ({}) of run {}; the run goes on",
              listener, event.sequence(), event.type(), runId, e);
        }
      }
    }
    if (!subscriptions.isEmpty()) {
      for (Subscription subscription : subscriptions) {
        subscription.schedule();
      }
    }
  }

  /** The events of the top-level run itself. */
  private final Scope top = new Scope(null);

  /** What a child run reports: its events carry {@code child}. */
  @Override
  public RunObserver child(RunEvent.Child child) {
    return new Scope(child);
  }

  @Override
  public void runStarted(UUID run, String workflowName) {
    top.runStarted(run, workflowName);
  }

  @Override
  public void runFinished(RunResult result) {
    top.runFinished(result);
  }

  @Override
  public void stepStarted(WorkflowStep step, long nanos) {
    top.stepStarted(step, nanos);
  }

  @Override
  public void chunk(WorkflowStep step, int attempt, long sequence, Object chunk) {
    top.chunk(step, attempt, sequence, chunk);
  }

  @Override
  public void checkpointed(WorkflowStep step, int attempt, long number, int bytes) {
    top.checkpointed(step, attempt, number, bytes);
  }

  @Override
  public void attemptFailed(WorkflowStep step, int attempt, Throwable error) {
    top.attemptFailed(step, attempt, error);
  }

  @Override
  public void retryScheduled(WorkflowStep step, int nextAttempt, Duration delay) {
    top.retryScheduled(step, nextAttempt, delay);
  }

  @Override
  public void cacheHit(WorkflowStep step) {
    top.cacheHit(step);
  }

  @Override
  public void attemptStarted(WorkflowStep step, int attempt) {
    top.attemptStarted(step, attempt);
  }

  @Override
  public void stepSucceeded(WorkflowStep step, int attempt, long nanos) {
    top.stepSucceeded(step, attempt, nanos);
  }

  @Override
  public void stepFailed(WorkflowStep step, int attempt, Throwable error) {
    top.stepFailed(step, attempt, error);
  }

  @Override
  public void stepSkipped(WorkflowStep step, String reason) {
    top.stepSkipped(step, reason);
  }

  @Override
  public void stepCancelled(WorkflowStep step, String reason) {
    top.stepCancelled(step, reason);
  }

  private static final Details RUNNING_NOW =
      new Details(StepStatus.RUNNING.name(), null, null, null, null, null);
  private static final Details SUCCEEDED =
      new Details(StepStatus.SUCCEEDED.name(), null, null, null, null, null);

  /**
   * The events of the top-level run ({@code child} null) or of one of its child runs, all
   * numbered in the top-level run's log. A child run's start and end are CHILD_RUN events, so
   * RUN_FINISHED stays the log's last event.
   */
  private final class Scope implements RunObserver {
    private final RunEvent.Child child;

    Scope(RunEvent.Child child) {
      this.child = child;
    }

    private void append(RunEvent.Type type, WorkflowStep step, int attempt, String status,
        ErrorInfo error, Duration delay, Usage usage, JsonNode chunk) {
      EventLog.this.append(type, step, attempt,
          new Details(status, error, delay, usage, chunk, child));
    }

    /** A constant detail of the top-level run, or the same with this child. */
    private Details of(Details constant) {
      return child == null ? constant : new Details(constant.status(), null, null, null, null,
          child);
    }

    @Override
    public RunObserver child(RunEvent.Child nested) {
      return new Scope(nested);
    }

    @Override
    public void runStarted(UUID run, String workflowName) {
      append(child == null ? RunEvent.Type.RUN_STARTED : RunEvent.Type.CHILD_RUN_STARTED, null,
          0, "RUNNING", null, null, null, null);
    }

    @Override
    public void runFinished(RunResult result) {
      append(child == null ? RunEvent.Type.RUN_FINISHED : RunEvent.Type.CHILD_RUN_FINISHED, null,
          0, result.status().name(), result.info().error(), null, result.usage(), null);
    }

    @Override
    public void stepStarted(WorkflowStep step, long nanos) {
      EventLog.this.append(RunEvent.Type.ATTEMPT_STARTED, step, 1, of(RUNNING_NOW), nanos);
    }

    @Override
    public void chunk(WorkflowStep step, int attempt, long sequence, Object chunk) {
      JsonNode json;
      try {
        json = codec.toTree(chunk);
      } catch (RuntimeException e) {
        json = TextNode.valueOf(String.valueOf(chunk));
      }
      append(RunEvent.Type.CHUNK, step, attempt, null, null, null, null, json);
    }

    @Override
    public void checkpointed(WorkflowStep step, int attempt, long number, int bytes) {
      com.fasterxml.jackson.databind.node.ObjectNode details =
          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      details.put("checkpoint", number);
      details.put("bytes", bytes);
      append(RunEvent.Type.CHECKPOINTED, step, attempt, StepStatus.RUNNING.name(), null, null,
          null, details);
    }

    @Override
    public void attemptFailed(WorkflowStep step, int attempt, Throwable error) {
      append(RunEvent.Type.ATTEMPT_FAILED, step, attempt, StepStatus.RUNNING.name(),
          ErrorInfo.of(error, true), null, null, null);
    }

    @Override
    public void retryScheduled(WorkflowStep step, int nextAttempt, Duration delay) {
      append(RunEvent.Type.RETRY_SCHEDULED, step, nextAttempt, StepStatus.PENDING.name(), null,
          delay, null, null);
    }

    @Override
    public void cacheHit(WorkflowStep step) {
      append(RunEvent.Type.CACHE_HIT, step, 0, StepStatus.RUNNING.name(), null, null, null,
          null);
    }

    @Override
    public void attemptStarted(WorkflowStep step, int attempt) {
      EventLog.this.append(RunEvent.Type.ATTEMPT_STARTED, step, attempt, of(RUNNING_NOW));
    }

    @Override
    public void stepSucceeded(WorkflowStep step, int attempt, long nanos) {
      EventLog.this.append(RunEvent.Type.STEP_SUCCEEDED, step, attempt, of(SUCCEEDED), nanos);
    }

    @Override
    public void stepFailed(WorkflowStep step, int attempt, Throwable error) {
      append(RunEvent.Type.STEP_FAILED, step, attempt, StepStatus.FAILED.name(),
          ErrorInfo.of(error, false), null, null, null);
    }

    @Override
    public void stepSkipped(WorkflowStep step, String reason) {
      append(RunEvent.Type.STEP_SKIPPED, step, 0, StepStatus.SKIPPED.name(),
          ErrorInfo.of(ErrorInfo.SKIPPED, reason), null, null, null);
    }

    @Override
    public void stepCancelled(WorkflowStep step, String reason) {
      append(RunEvent.Type.STEP_CANCELLED, step, 0, StepStatus.CANCELLED.name(),
          ErrorInfo.of(ErrorInfo.CANCELLED, reason), null, null, null);
    }
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
          if (!EventDelivery.deliver(runId, subscriber, event, this::close)) {
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
