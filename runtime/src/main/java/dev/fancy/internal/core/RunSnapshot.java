package dev.fancy.internal.core;

import dev.fancy.frame.Usage;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.ChildRun;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.WorkflowStep;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A copy of a run's per-step state at one moment, and what the history model and
 * {@link RunResult} make of it: step records (live or final) and the run's cell values. Taken
 * once when a run ends (the result's immutable snapshot), or on demand for the history of a run
 * that still executes.
 */
final class RunSnapshot implements RunResult.Values {

  private final RunExecution run;
  private final ExecutionPlan plan;
  private final String stopReason;
  private final Usage usage;
  private final Usage[] stepUsage;
  private final long finishedNanos;
  private final int[] state;
  private final long[] startNanos;
  private final long[] endNanos;
  private final Throwable[] errors;
  private final int[] skippedBecause;
  private final List<AttemptRecord>[] attemptRecords;
  private final boolean[] cacheHit;
  private final boolean[] fallbackUsed;
  private final List<ChildRun>[] childRuns;
  private final long[] checkpoints;

  RunSnapshot(RunExecution run) {
    this.run = run;
    this.plan = run.plan;
    this.stopReason = run.stopReason;
    this.usage = run.usage.total();
    this.stepUsage = run.usage.steps();
    this.finishedNanos = run.finishedNanos;
    RunState live = run.state;
    int n = plan.steps.length;
    this.state = new int[n];
    this.startNanos = new long[n];
    this.endNanos = new long[n];
    this.errors = new Throwable[n];
    this.skippedBecause = new int[n];
    this.attemptRecords = newLists(n);
    this.cacheHit = new boolean[n];
    this.fallbackUsed = new boolean[n];
    this.childRuns = newLists(n);
    this.checkpoints = new long[n];
    for (int s = 0; s < n; s++) {
      int status = live.status(s);
      state[s] = status == RunState.CLAIMED ? RunState.RUNNING : status;
      startNanos[s] = live.start(s);
      endNanos[s] = live.end(s);
      errors[s] = live.error(s);
      skippedBecause[s] = live.skippedBecause(s);
      attemptRecords[s] = live.attempts(s);
      cacheHit[s] = live.cacheHit(s);
      fallbackUsed[s] = live.fallbackUsed(s);
      childRuns[s] = live.children(s);
      checkpoints[s] = run.checkpoints.count(s);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T> List<T>[] newLists(int n) {
    return new List[n];
  }

  /** The run's status as of this snapshot. */
  RunStatus status(boolean ended) {
    if (!ended) {
      return RunStatus.RUNNING;
    }
    if (stopReason != null) {
      return RunStatus.CANCELLED;
    }
    for (int s : state) {
      if (s != RunState.SUCCEEDED) {
        return RunStatus.FAILED;
      }
    }
    return RunStatus.SUCCEEDED;
  }

  /** The run's head record. */
  RunInfo info(boolean ended, Map<String, String> labels) {
    RunStatus status = status(ended);
    ErrorInfo error = null;
    if (status == RunStatus.CANCELLED) {
      error = ErrorInfo.of(run.usage.atBreach() != null ? ErrorInfo.USAGE_LIMIT
          : run.deadlinePassed ? ErrorInfo.DEADLINE : ErrorInfo.CANCELLED, stopReason);
    } else if (status == RunStatus.FAILED) {
      for (int s = 0; s < state.length && error == null; s++) {
        if (state[s] == RunState.FAILED) {
          error = errorOf(s);
        }
      }
    }
    return new RunInfo(run.runId, plan.workflow.name(), status, run.startedAt, run.startedAt,
        ended ? run.instant(finishedNanos) : null, error, labels, usage);
  }

  /** The result of an ended run, over this snapshot. */
  RunResult result(Map<String, String> labels) {
    return new RunResult(info(true, labels), plan.workflow,
        Duration.ofNanos(finishedNanos - run.startedNanos), this::history, this,
        firstError());
  }

  private Throwable firstError() {
    for (int s = 0; s < state.length; s++) {
      if (state[s] == RunState.FAILED && errors[s] != null) {
        return errors[s];
      }
    }
    return null;
  }

  /** One record per workflow step, in workflow order. */
  List<StepRecord> history() {
    List<StepRecord> records = new ArrayList<>(plan.steps.length);
    for (int s = 0; s < plan.steps.length; s++) {
      records.add(record(s));
    }
    return records;
  }

  private ErrorInfo errorOf(int s) {
    Throwable error = errors[s];
    return error == null ? ErrorInfo.of("fancy.failed", "the step failed")
        : ErrorInfo.of(error, false);
  }

  private StepRecord record(int s) {
    WorkflowStep step = plan.steps[s];
    Usage used = stepUsage[s] == null ? Usage.NONE : stepUsage[s];
    List<ChildRun> children = childRuns[s] == null ? List.of() : childRuns[s];
    switch (state[s]) {
      case RunState.PENDING:
        return new StepRecord(step.id(), step.slug(), step.version(), StepStatus.PENDING, null,
            null, Duration.ZERO, null, List.of(), false, false, used, children);
      case RunState.RUNNING: {
        List<AttemptRecord> attempts = attemptRecords[s] == null ? List.of() : attemptRecords[s];
        return new StepRecord(step.id(), step.slug(), step.version(), StepStatus.RUNNING,
            run.instant(startNanos[s]), null, Duration.ZERO, null, attempts, false, false, used,
            children, checkpoints[s]);
      }
      case RunState.SKIPPED: {
        int cause = skippedBecause[s];
        String reason = cause < 0 ? "skipped because the run was stopped: " + stopReason
            : "skipped because step '" + plan.steps[cause].slug() + "' ("
                + plan.steps[cause].id() + ") failed";
        return new StepRecord(step.id(), step.slug(), step.version(), StepStatus.SKIPPED, null,
            null, Duration.ZERO, ErrorInfo.of(ErrorInfo.SKIPPED, reason), List.of(), false, false,
            used, List.of());
      }
      default:
        break;
    }
    Instant start = run.instant(startNanos[s]);
    Instant end = run.instant(endNanos[s]);
    Duration duration = Duration.ofNanos(endNanos[s] - startNanos[s]);
    StepStatus status = switch (state[s]) {
      case RunState.SUCCEEDED -> StepStatus.SUCCEEDED;
      case RunState.CANCELLED, RunState.ABANDONED -> StepStatus.CANCELLED;
      default -> StepStatus.FAILED;
    };
    ErrorInfo error = switch (status) {
      case SUCCEEDED -> null;
      case CANCELLED -> ErrorInfo.of(ErrorInfo.CANCELLED, state[s] == RunState.ABANDONED
          ? errors[s].getMessage() : "cancelled because the run was stopped: " + stopReason);
      default -> errorOf(s);
    };
    List<AttemptRecord> attempts = attemptRecords[s];
    if (state[s] == RunState.ABANDONED) {
      // The attempt in flight never ended: it is closed as abandoned when the grace ran out.
      List<AttemptRecord> ended = attempts == null ? List.of() : attempts;
      int number = ended.isEmpty() ? 1 : ended.get(ended.size() - 1).attempt() + 1;
      List<AttemptRecord> all = new java.util.ArrayList<>(ended);
      Instant from = ended.isEmpty() ? start : ended.get(ended.size() - 1).endedAt();
      all.add(new AttemptRecord(number, AttemptStatus.ABANDONED,
          run.runId + ":" + step.id() + ":" + number, from, end, Duration.between(from, end),
          error, Usage.NONE));
      attempts = List.copyOf(all);
    }
    if (attempts == null) {
      // The fast path ran exactly one attempt and kept no list; a restored step ran none here.
      attempts = List.of(new AttemptRecord(1, status == StepStatus.SUCCEEDED
              ? AttemptStatus.SUCCEEDED
              : status == StepStatus.CANCELLED ? AttemptStatus.CANCELLED : AttemptStatus.FAILED,
          run.runId + ":" + step.id() + ":1", start, end, duration, error, used));
    }
    return new StepRecord(step.id(), step.slug(), step.version(), status, start, end, duration,
        error, attempts, cacheHit[s], fallbackUsed[s], used, children, checkpoints[s]);
  }

  @Override
  public Object get(Cell<?> cell) {
    int slot = slot(cell);
    WorkflowStep producer = plan.cells[slot].producer();
    if (producer != null) {
      int s = indexOf(producer);
      if (state[s] != RunState.SUCCEEDED) {
        throw new IllegalStateException("cell '" + cell.alias() + "' has no value: step '"
            + producer.slug() + "' " + (state[s] == RunState.FAILED ? "failed"
                : state[s] == RunState.CANCELLED || state[s] == RunState.ABANDONED
                    ? "was cancelled" : "was skipped")
            + " in run " + run.runId);
      }
    }
    return run.values.get(slot);
  }

  @Override
  public URI location(Cell<?> cell) {
    return run.values.location(slot(cell));
  }

  @Override
  public boolean isAvailable(Cell<?> cell) {
    WorkflowStep producer = plan.cells[slot(cell)].producer();
    return producer == null || state[indexOf(producer)] == RunState.SUCCEEDED;
  }

  @Override
  public void discard() {
    run.values.discard();
  }

  private int slot(Cell<?> cell) {
    Integer slot = plan.slotOf(cell.id());
    if (slot == null) {
      throw new IllegalArgumentException("cell '" + cell.alias() + "' (" + cell.id()
          + ") is not part of workflow '" + plan.workflow.name() + "'");
    }
    return slot;
  }

  private int indexOf(WorkflowStep step) {
    Integer index = plan.stepOf(step.id());
    if (index == null) {
      throw new IllegalArgumentException("step '" + step.slug() + "' (" + step.id()
          + ") is not part of workflow '" + plan.workflow.name() + "'");
    }
    return index;
  }
}
