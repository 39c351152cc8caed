package dev.fancy.engine;

import dev.fancy.frame.Usage;
import dev.fancy.store.DatumStore;
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
 * workflow step. Values are read from the engine's datum stores on demand.
 */
public final class RunResult {

  private final RunExecution run;
  private final RunStatus status;
  private List<StepRecord> history;

  RunResult(RunExecution run) {
    this.run = run;
    boolean failed = false;
    for (int s = 0; s < run.plan.steps.length && !failed; s++) {
      failed = run.state.get(s) != RunExecution.SUCCEEDED;
    }
    this.status = run.stopReason != null ? RunStatus.CANCELLED
        : failed ? RunStatus.FAILED : RunStatus.SUCCEEDED;
  }

  /** The run's ID; datum stores key its values by it. */
  public UUID runId() {
    return run.runId;
  }

  /** The workflow that ran. */
  public Workflow workflow() {
    return run.plan.workflow;
  }

  /** Succeeded when every step succeeded, failed otherwise. */
  public RunStatus status() {
    return status;
  }

  /** Why the run was stopped early (e.g. a usage limit), if it was. */
  public Optional<String> stopReason() {
    return Optional.ofNullable(run.stopReason);
  }

  /** The total usage every step reported. */
  public Usage usage() {
    return run.usage.total();
  }

  /** When the run started. */
  public Instant startedAt() {
    return run.startedAt;
  }

  /** How long the run took, from binding its inputs to its last step ending. */
  public Duration duration() {
    return Duration.ofNanos(run.finishedNanos - run.startedNanos);
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
    WorkflowStep producer = run.plan.cells[slot].producer();
    if (producer != null) {
      int s = indexOf(producer);
      int state = run.state.get(s);
      if (state != RunExecution.SUCCEEDED) {
        throw new IllegalStateException("cell '" + cell.alias() + "' has no value: step '"
            + producer.slug() + "' " + (state == RunExecution.FAILED ? "failed"
                : state == RunExecution.CANCELLED ? "was cancelled" : "was skipped")
            + " in run " + run.runId);
      }
    }
    return (T) store(slot).get(run.runId, run.plan.cells[slot]);
  }

  /**
   * Where the value of {@code cell} is stored: a {@code file:} URI for {@code REFERENCE} cells, a
   * {@code mem:} URI for in-memory values.
   *
   * @throws IllegalArgumentException if the cell is not part of this workflow
   */
  public URI location(Cell<?> cell) {
    int slot = slot(cell);
    return store(slot).location(run.runId, run.plan.cells[slot]);
  }

  /**
   * The workflow's output values by cell, in output order; cells whose producer did not succeed
   * are left out.
   */
  public Map<Cell<?>, Object> outputs() {
    Map<Cell<?>, Object> outputs = new LinkedHashMap<>();
    for (Cell<?> cell : run.plan.workflow.outputs()) {
      WorkflowStep producer = cell.producer();
      if (producer == null || run.state.get(indexOf(producer)) == RunExecution.SUCCEEDED) {
        outputs.put(cell, get(cell));
      }
    }
    return Collections.unmodifiableMap(outputs);
  }

  /** One record per workflow step, in the workflow's topological order. */
  public synchronized List<StepRecord> history() {
    if (history == null) {
      List<StepRecord> records = new ArrayList<>(run.plan.steps.length);
      for (int s = 0; s < run.plan.steps.length; s++) {
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
    for (int s = 0; s < run.plan.steps.length; s++) {
      if (run.errors[s] != null) {
        return Optional.of(run.errors[s]);
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
    String prefix = "run " + run.runId + " of workflow '" + workflow().name() + "'";
    StepRecord first = history().stream().filter(r -> r.status() == StepStatus.FAILED)
        .findFirst().orElse(null);
    if (first == null) {
      throw new RunFailedException(prefix + " was stopped: " + run.stopReason, this, null);
    }
    throw new RunFailedException(prefix + " failed at step '" + first.slug() + "': "
        + first.errorType() + ": " + first.errorMessage(), this, failure().orElse(null));
  }

  private StepRecord record(int s) {
    WorkflowStep step = run.plan.steps[s];
    int state = run.state.get(s);
    Usage used = run.usage.step(s);
    if (state == RunExecution.SKIPPED) {
      int cause = run.skippedBecause[s];
      String reason = cause < 0 ? "skipped because the run was stopped: " + run.stopReason
          : "skipped because step '" + run.plan.steps[cause].slug() + "' ("
              + run.plan.steps[cause].id() + ") failed";
      return new StepRecord(step.id(), step.slug(), step.version(), StepStatus.SKIPPED, null, null,
          Duration.ZERO, null, reason, List.of(), false, false, used, List.of());
    }
    Instant start = run.instant(run.startNanos[s]);
    Instant end = run.instant(run.endNanos[s]);
    Duration duration = Duration.ofNanos(run.endNanos[s] - run.startNanos[s]);
    Throwable error = run.errors[s];
    StepStatus status = switch (state) {
      case RunExecution.SUCCEEDED -> StepStatus.SUCCEEDED;
      case RunExecution.CANCELLED -> StepStatus.CANCELLED;
      default -> StepStatus.FAILED;
    };
    List<AttemptRecord> attempts = run.attemptRecords[s];
    if (attempts == null) {
      // The fast path ran exactly one attempt and kept no list.
      attempts = List.of(new AttemptRecord(1, status == StepStatus.SUCCEEDED
              ? AttemptOutcome.SUCCEEDED
              : status == StepStatus.CANCELLED ? AttemptOutcome.CANCELLED : AttemptOutcome.FAILED,
          start, end, duration, error == null ? null : error.getClass().getName(),
          error == null ? null : error.getMessage(), used));
    }
    String message = status == StepStatus.CANCELLED
        ? "cancelled because the run was stopped: " + run.stopReason
        : error == null ? null : String.valueOf(error.getMessage());
    return new StepRecord(step.id(), step.slug(), step.version(), status, start, end, duration,
        status == StepStatus.FAILED && error != null ? error.getClass().getName() : null,
        status == StepStatus.SUCCEEDED ? null : message, attempts, run.cacheHit[s],
        run.fallbackUsed[s], used, run.childRuns(s));
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
    run.services.values().deleteRun(run.runId);
    run.services.references().deleteRun(run.runId);
  }

  private int slot(Cell<?> cell) {
    Integer slot = run.plan.slotOf(cell.id());
    if (slot == null) {
      throw new IllegalArgumentException("cell '" + cell.alias() + "' (" + cell.id()
          + ") is not part of workflow '" + workflow().name() + "'");
    }
    return slot;
  }

  private int indexOf(WorkflowStep step) {
    Integer index = run.plan.stepOf(step.id());
    if (index == null) {
      throw new IllegalArgumentException("step '" + step.slug() + "' (" + step.id()
          + ") is not part of workflow '" + workflow().name() + "'");
    }
    return index;
  }

  private DatumStore store(int slot) {
    return run.plan.isReference(slot) ? run.services.references() : run.services.values();
  }

  @Override
  public String toString() {
    return "RunResult[" + run.runId + ", " + workflow().name() + ", " + status + "]";
  }
}
