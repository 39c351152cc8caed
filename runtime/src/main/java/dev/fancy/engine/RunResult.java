package dev.fancy.engine;

import dev.fancy.frame.Usage;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The outcome of one run: its status, the value of every cell that was computed, and a record per
 * workflow step. An immutable snapshot taken when the run finished: nothing about it changes
 * afterwards, except that {@link #discard()} drops the values.
 */
public final class RunResult {

  private final ExecutionPlan plan;
  private final UUID runId;
  private final RunValues values;
  private final RunStatus status;
  private final String stopReason;
  private final Usage usage;
  private final Usage[] stepUsage;
  private final Instant startedAt;
  private final long startedNanos;
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
  private List<StepRecord> history;

  /** Copies what {@code run} recorded; called once every step has ended. */
  RunResult(RunExecution run) {
    this.plan = run.plan;
    this.runId = run.runId;
    this.values = run.values;
    this.stopReason = run.stopReason;
    this.usage = run.usage.total();
    this.stepUsage = run.usage.steps();
    this.startedAt = run.startedAt;
    this.startedNanos = run.startedNanos;
    this.finishedNanos = run.finishedNanos;
    int n = plan.steps.length;
    this.state = new int[n];
    boolean failed = false;
    for (int s = 0; s < n; s++) {
      state[s] = run.state.get(s);
      failed |= state[s] != RunExecution.SUCCEEDED;
    }
    this.status = stopReason != null ? RunStatus.CANCELLED
        : failed ? RunStatus.FAILED : RunStatus.SUCCEEDED;
    this.startNanos = run.startNanos.clone();
    this.endNanos = run.endNanos.clone();
    this.errors = run.errors.clone();
    this.skippedBecause = run.skippedBecause.clone();
    this.attemptRecords = run.attemptRecords.clone();
    for (int s = 0; s < n; s++) {
      if (attemptRecords[s] != null) {
        attemptRecords[s] = List.copyOf(attemptRecords[s]);
      }
    }
    this.cacheHit = run.cacheHit.clone();
    this.fallbackUsed = run.fallbackUsed.clone();
    this.childRuns = run.childRuns();
  }

  /** The run's ID; datum stores key its values by it. */
  public UUID runId() {
    return runId;
  }

  /** The workflow that ran. */
  public Workflow workflow() {
    return plan.workflow;
  }

  /** Succeeded when every step succeeded, cancelled when the run was stopped, failed otherwise. */
  public RunStatus status() {
    return status;
  }

  /** Why the run was stopped early (e.g. a usage limit), if it was. */
  public Optional<String> stopReason() {
    return Optional.ofNullable(stopReason);
  }

  /** The total usage every step reported. */
  public Usage usage() {
    return usage;
  }

  /** When the run started. */
  public Instant startedAt() {
    return startedAt;
  }

  /** How long the run took, from binding its inputs to its last step ending. */
  public Duration duration() {
    return Duration.ofNanos(finishedNanos - startedNanos);
  }

  /**
   * The value of {@code cell} in this run: an output of the workflow, an intermediate result, an
   * input or a constant.
   *
   * @throws IllegalArgumentException if the cell is not part of this workflow
   * @throws IllegalStateException if the step that produces it failed or was skipped
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Cell<T> cell) {
    int slot = slot(cell);
    WorkflowStep producer = plan.cells[slot].producer();
    if (producer != null) {
      int s = indexOf(producer);
      if (state[s] != RunExecution.SUCCEEDED) {
        throw new IllegalStateException("cell '" + cell.alias() + "' has no value: step '"
            + producer.slug() + "' " + (state[s] == RunExecution.FAILED ? "failed"
                : state[s] == RunExecution.CANCELLED ? "was cancelled" : "was skipped")
            + " in run " + runId);
      }
    }
    return (T) values.get(slot);
  }

  /**
   * Where the value of {@code cell} is stored: a {@code file:} URI for {@code REFERENCE} cells, a
   * {@code mem:} URI for in-memory values.
   *
   * @throws IllegalArgumentException if the cell is not part of this workflow
   */
  public URI location(Cell<?> cell) {
    int slot = slot(cell);
    return values.location(slot);
  }

  /**
   * The workflow's output values by cell, in output order; cells whose producer did not succeed
   * are left out.
   */
  public Map<Cell<?>, Object> outputs() {
    Map<Cell<?>, Object> outputs = new LinkedHashMap<>();
    for (Cell<?> cell : plan.workflow.outputs()) {
      WorkflowStep producer = cell.producer();
      if (producer == null || state[indexOf(producer)] == RunExecution.SUCCEEDED) {
        outputs.put(cell, get(cell));
      }
    }
    return Collections.unmodifiableMap(outputs);
  }

  /** One record per workflow step, in the workflow's topological order. */
  public synchronized List<StepRecord> history() {
    if (history == null) {
      List<StepRecord> records = new ArrayList<>(plan.steps.length);
      for (int s = 0; s < plan.steps.length; s++) {
        records.add(record(s));
      }
      history = Collections.unmodifiableList(records);
    }
    return history;
  }

  /**
   * The history as a plain-text table, one line per step (and per child run and its steps,
   * indented), with status, attempts, duration, cost and notes: for logs and command-line tools.
   */
  public String historyTable() {
    return HistoryTable.of(this);
  }

  /**
   * The record of one workflow step.
   *
   * @throws IllegalArgumentException if the step is not part of this workflow
   */
  public StepRecord step(WorkflowStep step) {
    return history().get(indexOf(step));
  }

  /** The error of the first failed step in workflow order, if any. */
  public Optional<Throwable> failure() {
    for (int s = 0; s < plan.steps.length; s++) {
      if (errors[s] != null) {
        return Optional.of(errors[s]);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns this result if the run succeeded.
   *
   * @throws RunFailedException if it failed; its cause is the first failed step's error
   */
  public RunResult requireSucceeded() {
    if (status == RunStatus.SUCCEEDED) {
      return this;
    }
    String prefix = "run " + runId + " of workflow '" + workflow().name() + "'";
    StepRecord first = history().stream().filter(r -> r.status() == StepStatus.FAILED)
        .findFirst().orElse(null);
    if (first == null) {
      throw new RunFailedException(prefix + " was stopped: " + stopReason, this, null);
    }
    throw new RunFailedException(prefix + " failed at step '" + first.slug() + "': "
        + first.errorType() + ": " + first.errorMessage(), this, failure().orElse(null));
  }

  private StepRecord record(int s) {
    WorkflowStep step = plan.steps[s];
    Usage used = stepUsage[s] == null ? Usage.NONE : stepUsage[s];
    if (state[s] == RunExecution.SKIPPED) {
      int cause = skippedBecause[s];
      String reason = cause < 0 ? "skipped because the run was stopped: " + stopReason
          : "skipped because step '" + plan.steps[cause].slug() + "' ("
              + plan.steps[cause].id() + ") failed";
      return new StepRecord(step.id(), step.slug(), step.version(), StepStatus.SKIPPED, null, null,
          Duration.ZERO, null, reason, List.of(), false, false, used, List.of());
    }
    Instant start = startedAt.plusNanos(startNanos[s] - startedNanos);
    Instant end = startedAt.plusNanos(endNanos[s] - startedNanos);
    Duration duration = Duration.ofNanos(endNanos[s] - startNanos[s]);
    Throwable error = errors[s];
    StepStatus status = switch (state[s]) {
      case RunExecution.SUCCEEDED -> StepStatus.SUCCEEDED;
      case RunExecution.CANCELLED -> StepStatus.CANCELLED;
      default -> StepStatus.FAILED;
    };
    List<AttemptRecord> attempts = attemptRecords[s];
    if (attempts == null) {
      // The fast path ran exactly one attempt and kept no list.
      attempts = List.of(new AttemptRecord(1, status == StepStatus.SUCCEEDED
              ? AttemptOutcome.SUCCEEDED
              : status == StepStatus.CANCELLED ? AttemptOutcome.CANCELLED : AttemptOutcome.FAILED,
          start, end, duration, error == null ? null : error.getClass().getName(),
          error == null ? null : error.getMessage(), used));
    }
    String message = status == StepStatus.CANCELLED
        ? "cancelled because the run was stopped: " + stopReason
        : error == null ? null : String.valueOf(error.getMessage());
    return new StepRecord(step.id(), step.slug(), step.version(), status, start, end, duration,
        status == StepStatus.FAILED && error != null ? error.getClass().getName() : null,
        status == StepStatus.SUCCEEDED ? null : message, attempts, cacheHit[s],
        fallbackUsed[s], used, childRuns[s] == null ? List.of() : childRuns[s]);
  }

  /**
   * Deletes this run's values from the engine's value and reference stores, to free memory and
   * disk once the results have been read; {@link #get} fails afterwards. Runs keep their values
   * until they are discarded (or the stores are dropped), so a long-lived engine should discard
   * results it no longer needs. The status and history stay readable.
   *
   * @throws dev.fancy.store.DatumStoreException if stored files cannot be deleted
   */
  public void discard() {
    values.discard();
  }

  private int slot(Cell<?> cell) {
    Integer slot = plan.slotOf(cell.id());
    if (slot == null) {
      throw new IllegalArgumentException("cell '" + cell.alias() + "' (" + cell.id()
          + ") is not part of workflow '" + workflow().name() + "'");
    }
    return slot;
  }

  private int indexOf(WorkflowStep step) {
    Integer index = plan.stepOf(step.id());
    if (index == null) {
      throw new IllegalArgumentException("step '" + step.slug() + "' (" + step.id()
          + ") is not part of workflow '" + workflow().name() + "'");
    }
    return index;
  }

  @Override
  public String toString() {
    return "RunResult[" + runId + ", " + workflow().name() + ", " + status + "]";
  }
}
