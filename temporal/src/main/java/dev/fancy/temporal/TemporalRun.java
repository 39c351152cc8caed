package dev.fancy.temporal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.run.EventSubscription;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.temporal.Messages.RunOutcome;
import dev.fancy.temporal.Messages.RunState;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import dev.fancy.frame.Usage;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.RunInfo;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TerminatedFailure;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A handle on one run of a {@link TemporalEngine}: queries while it runs, its result after. */
final class TemporalRun implements RunHandle {

  private static final Logger LOG = LoggerFactory.getLogger(TemporalRun.class);
  private static final long POLL_MILLIS = 50;

  private final TemporalEngine engine;
  private final UUID runId;

  TemporalRun(TemporalEngine engine, UUID runId) {
    this.engine = engine;
    this.runId = runId;
  }

  @Override
  public UUID id() {
    return runId;
  }

  @Override
  public RunStatus status() {
    RunOutcome outcome = outcomeIfEnded();
    return outcome != null ? outcome.info().status() : state(Long.MAX_VALUE).info().status();
  }

  /** The outcome if the run's current execution has ended, else null. */
  RunOutcome outcomeIfEnded() {
    RunOutcome cached = engine.cachedOutcome(runId);
    if (cached != null) {
      return cached;
    }
    WorkflowExecutionStatus status = engine.untyped(runId).describe().getStatus();
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return null;
    }
    return outcome(Duration.ofSeconds(30));
  }

  private RunOutcome outcome(Duration timeout) {
    RunOutcome cached = engine.cachedOutcome(runId);
    if (cached != null) {
      return cached;
    }
    try {
      RunOutcome outcome = engine.untyped(runId).getResult(timeout.toMillis(),
          TimeUnit.MILLISECONDS, RunOutcome.class);
      engine.keep(runId, outcome);
      return outcome;
    } catch (TimeoutException e) {
      return null;
    } catch (WorkflowFailedException e) {
      RunOutcome outcome = ended(e);
      engine.keep(runId, outcome);
      return outcome;
    }
  }

  /** {@code "; caused by <type>: <message>"} for {@code cause} and each of its causes. */
  private static String causes(Throwable cause) {
    StringBuilder text = new StringBuilder();
    for (Throwable c = cause; c != null && text.length() < 2_000; c = c.getCause()) {
      String type = c instanceof io.temporal.failure.ApplicationFailure application
          ? application.getType() : c.getClass().getName();
      String message = c instanceof io.temporal.failure.TemporalFailure temporal
          ? temporal.getOriginalMessage() : c.getMessage();
      text.append("; caused by ").append(type).append(": ").append(message);
    }
    return text.toString();
  }

  /**
   * The outcome of an execution that did not return one: cancelled or terminated through
   * Temporal (its UI, CLI or API), timed out, or failed by a bug of the interpreter. The steps
   * are as the run's query last saw them.
   */
  private RunOutcome ended(WorkflowFailedException e) {
    Throwable cause = e.getCause();
    // Temporal's workflow execution timeout is the run's deadline (RunOptions.deadline).
    boolean deadline = cause instanceof io.temporal.failure.TimeoutFailure;
    boolean cancelled = deadline || cause instanceof CanceledFailure
        || cause instanceof TerminatedFailure;
    RunState state = null;
    try {
      state = state(Long.MAX_VALUE);
    } catch (RuntimeException unavailable) {
      LOG.warn("run {} ended without an outcome and cannot be queried: {}", runId,
          unavailable.toString());
    }
    ErrorInfo error = deadline
        ? ErrorInfo.of(ErrorInfo.DEADLINE, "the run's deadline passed (Temporal's workflow "
            + "execution timeout ended it)")
        : cancelled
        ? ErrorInfo.of(ErrorInfo.CANCELLED, "stopped through Temporal: " + cause.getMessage())
        : new ErrorInfo(cause == null ? e.getClass().getName() : cause.getClass().getName(),
            "the run's workflow execution failed: " + (cause == null ? e.getMessage()
                : cause.getMessage() + causes(cause.getCause())), false, null);
    RunInfo seen = state == null ? null : state.info();
    RunInfo info = new RunInfo(runId, seen == null ? engine.workflow(runId).name()
        : seen.workflowName(), cancelled ? RunStatus.CANCELLED : RunStatus.FAILED,
        seen == null ? java.time.Instant.now() : seen.createdAt(),
        seen == null ? null : seen.startedAt(), java.time.Instant.now(), error,
        seen == null ? Map.of() : seen.labels(), seen == null ? Usage.NONE : seen.usage());
    List<StepRecord> steps = state == null ? List.of() : state.steps().stream()
        .map(step -> step.status().isFinal() ? step : new StepRecord(step.stepId(), step.slug(),
            step.version(), StepStatus.CANCELLED, step.startedAt(), info.finishedAt(),
            step.duration(), error, step.attempts(), step.cacheHit(), step.fallbackUsed(),
            step.usage(), step.children()))
        .toList();
    List<RunEvent> events = new java.util.ArrayList<>(state == null ? List.of() : state.events());
    events.add(new RunEvent(events.size() + 1, runId, info.finishedAt(),
        RunEvent.Type.RUN_FINISHED, null, null, 0, info.status().name(), error, null,
        info.usage(), null));
    return new RunOutcome(info, steps, Map.of(), events, null, info.usage(), 0, null);
  }

  private RunState state(long fromSequence) {
    return engine.stub(runId).state(fromSequence);
  }

  @Override
  public RunStatus await(Duration timeout) {
    RunOutcome outcome = outcome(timeout.isNegative() ? Duration.ZERO : timeout);
    return outcome != null ? outcome.info().status() : status();
  }

  @Override
  public RunStatus await() {
    return result(outcome(Duration.ofDays(3650))).status();
  }

  @Override
  public RunResult result() {
    RunOutcome outcome;
    do {
      outcome = outcome(Duration.ofDays(1));
    } while (outcome == null);
    RunResult result = result(outcome);
    if (outcome.breach() != null) {
      throw new UsageLimitExceededException(outcome.breach(), result, outcome.total());
    }
    return result;
  }

  private RunResult result(RunOutcome outcome) {
    Workflow workflow = engine.workflow(runId);
    return new RunResult(outcome.info(), workflow, Duration.ofMillis(outcome.durationMillis()),
        outcome::steps, new Values(workflow, outcome, engine.claims, engine.codec()), null);
  }

  @Override
  public boolean cancel(String reason) {
    if (status().isFinal()) {
      return false;
    }
    engine.stub(runId).cancel(reason);
    return true;
  }

  @Override
  public RunHistory history() {
    RunOutcome outcome = engine.cachedOutcome(runId);
    if (outcome != null) {
      return new RunHistory(outcome.info(), outcome.steps());
    }
    RunState state = state(Long.MAX_VALUE);
    return new RunHistory(state.info(), state.steps());
  }

  @Override
  public List<RunEvent> events(long fromSequence) {
    RunOutcome outcome = engine.cachedOutcome(runId);
    if (outcome != null) {
      int from = (int) Math.max(0, Math.min(outcome.events().size(), fromSequence - 1));
      return List.copyOf(outcome.events().subList(from, outcome.events().size()));
    }
    return state(fromSequence).events();
  }

  @Override
  public EventSubscription subscribe(long fromSequence, Consumer<RunEvent> subscriber) {
    Subscription subscription = new Subscription(fromSequence, subscriber);
    engine.subscriptions.add(subscription);
    subscription.thread.start();
    return subscription;
  }

  /** Delivers events by polling the run's query. */
  final class Subscription implements EventSubscription {
    private final Thread thread;
    private volatile boolean closed;

    Subscription(long fromSequence, Consumer<RunEvent> subscriber) {
      this.thread = new Thread(() -> {
        long next = Math.max(1, fromSequence);
        try {
          while (!closed) {
            for (RunEvent event : events(next)) {
              if (closed) {
                return;
              }
              subscriber.accept(event);
              next = event.sequence() + 1;
              if (event.isFinal()) {
                return;
              }
            }
            Thread.sleep(POLL_MILLIS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          if (!closed) {
            LOG.warn("subscriber of run {} stopped: {}", runId, e.toString());
          }
        } finally {
          engine.subscriptions.remove(this);
        }
      }, "fancy-temporal-events-" + runId);
      thread.setDaemon(true);
    }

    @Override
    public boolean isActive() {
      return !closed && thread.isAlive();
    }

    @Override
    public void close() {
      closed = true;
      thread.interrupt();
    }
  }

  /** The values of a finished run, decoded from JSON on first use. */
  private static final class Values implements RunResult.Values {
    private final UUID runId;
    private final Map<UUID, Cell<?>> cells = new HashMap<>();
    private final Map<UUID, WorkflowStep> producers = new HashMap<>();
    private final Map<UUID, StepRecord> records = new HashMap<>();
    private final Set<UUID> known = new HashSet<>();
    private volatile Map<String, JsonNode> json;
    private final Map<UUID, Object> decoded = new ConcurrentHashMap<>();
    private final ClaimedValues claims;
    private final dev.fancy.value.ValueCodec codec;

    Values(Workflow workflow, RunOutcome outcome, ClaimedValues claims,
        dev.fancy.value.ValueCodec codec) {
      this.claims = claims;
      this.codec = codec;
      this.runId = outcome.info().runId();
      this.json = outcome.values();
      workflow.inputs().forEach(c -> known.add(c.id()));
      workflow.constants().forEach(c -> known.add(c.id()));
      for (WorkflowStep step : workflow.steps()) {
        for (Cell<?> output : step.outputCells()) {
          known.add(output.id());
          producers.put(output.id(), step);
        }
      }
      outcome.steps().forEach(r -> records.put(r.stepId(), r));
    }

    private void check(Cell<?> cell) {
      if (!known.contains(cell.id())) {
        throw new IllegalArgumentException("cell '" + cell.alias() + "' (" + cell.id()
            + ") is not part of run " + runId + "'s workflow");
      }
    }

    @Override
    public Object get(Cell<?> cell) {
      check(cell);
      Map<String, JsonNode> values = json;
      if (values == null) {
        throw new IllegalStateException("the values of run " + runId + " were discarded");
      }
      if (!isAvailable(cell)) {
        WorkflowStep producer = producers.get(cell.id());
        StepRecord record = producer == null ? null : records.get(producer.id());
        throw new IllegalStateException("cell '" + cell.alias() + "' has no value: its step '"
            + (producer == null ? "?" : producer.slug()) + "' "
            + (record == null ? "did not run" : describe(record.status())));
      }
      return decoded.computeIfAbsent(cell.id(),
          id -> codec.fromTree(claims.resolve(values.get(id.toString())), cell.type()));
    }

    private static String describe(StepStatus status) {
      return switch (status) {
        case FAILED -> "failed";
        case CANCELLED -> "was cancelled";
        case SKIPPED -> "was skipped";
        default -> "is " + status;
      };
    }

    @Override
    public URI location(Cell<?> cell) {
      check(cell);
      return URI.create("temporal:" + runId + "/" + cell.id());
    }

    @Override
    public boolean isAvailable(Cell<?> cell) {
      Map<String, JsonNode> values = json;
      if (values == null || !known.contains(cell.id())) {
        return false;
      }
      WorkflowStep producer = producers.get(cell.id());
      if (producer != null) {
        StepRecord record = records.get(producer.id());
        if (record == null || record.status() != StepStatus.SUCCEEDED) {
          return false;
        }
      }
      return values.containsKey(cell.id().toString());
    }

    @Override
    public void discard() {
      json = null;
      decoded.clear();
    }
  }
}
