package dev.fancy.run;

import dev.fancy.frame.Usage;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The outcome of one finished run: its status, the value of every cell that was computed, and a
 * record per workflow step. An immutable value an engine builds when the run has ended; nothing
 * about it changes afterwards, except that {@link #discard()} drops the values.
 */
public final class RunResult {

  /**
   * How an engine hands a finished run's cell values to its result. Implementations check that a
   * cell belongs to the run's workflow and that its producer succeeded.
   */
  public interface Values {

    /**
     * The value of {@code cell}.
     *
     * @throws IllegalArgumentException if the cell is not part of the run's workflow
     * @throws IllegalStateException if the step that produces it failed, was skipped or
     *     cancelled, or the values were discarded
     */
    Object get(Cell<?> cell);

    /**
     * Where the value of {@code cell} is stored ({@code file:} for references, {@code mem:} for
     * values held in memory, {@code journal:} for values read from a journal).
     *
     * @throws IllegalArgumentException if the cell is not part of the run's workflow
     */
    URI location(Cell<?> cell);

    /** Whether {@code cell}'s producer succeeded (so {@link #get} returns a value). */
    boolean isAvailable(Cell<?> cell);

    /** Drops the values; {@link #get} fails afterwards. */
    void discard();
  }

  private final RunInfo info;
  private final Workflow workflow;
  private final Duration duration;
  private final Supplier<List<StepRecord>> historySupplier;
  private final Values values;
  private final Throwable failure;
  private List<StepRecord> history;
  private Map<UUID, StepRecord> byStep;

  /**
   * Builds a result; engines call this once a run has ended.
   *
   * @param info the run, in a final state
   * @param workflow the workflow that ran
   * @param duration how long the run took, from binding its inputs to its last step ending
   * @param history computes one record per workflow step in workflow order; called at most once,
   *     when the history is first read (a million-step run need not build it)
   * @param values the run's cell values
   * @param failure the first failed step's error as thrown, when the engine still has it; null
   *     otherwise ({@link #failure()} then describes it by a {@link StepFailedException})
   * @throws IllegalArgumentException if {@code info}'s status is not final
   */
  public RunResult(RunInfo info, Workflow workflow, Duration duration,
      Supplier<List<StepRecord>> history, Values values, Throwable failure) {
    this.info = Objects.requireNonNull(info, "info == null");
    if (!info.status().isFinal()) {
      throw new IllegalArgumentException("run " + info.runId() + " is " + info.status()
          + "; a result needs a finished run");
    }
    this.workflow = Objects.requireNonNull(workflow, "workflow == null");
    this.duration = Objects.requireNonNull(duration, "duration == null");
    this.historySupplier = Objects.requireNonNull(history, "history == null");
    this.values = Objects.requireNonNull(values, "values == null");
    this.failure = failure;
  }

  /** The run's ID; datum stores key its values by it. */
  public UUID runId() {
    return info.runId();
  }

  /** The run as {@link WorkflowEngine#runs} lists it: status, times, error, labels, usage. */
  public RunInfo info() {
    return info;
  }

  /** The workflow that ran. */
  public Workflow workflow() {
    return workflow;
  }

  /** Succeeded when every step succeeded, cancelled when the run was stopped, failed otherwise. */
  public RunStatus status() {
    return info.status();
  }

  /** Why the run was stopped early (a cancel request, a usage limit), if it was. */
  public Optional<String> stopReason() {
    return info.status() == RunStatus.CANCELLED && info.error() != null
        ? Optional.of(info.error().message()) : Optional.empty();
  }

  /** The total usage every step reported. */
  public Usage usage() {
    return info.usage();
  }

  /** When the run started. */
  public Instant startedAt() {
    return info.startedAt() != null ? info.startedAt() : info.createdAt();
  }

  /** How long the run took, from binding its inputs to its last step ending. */
  public Duration duration() {
    return duration;
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
    return (T) values.get(Objects.requireNonNull(cell, "cell == null"));
  }

  /**
   * Where the value of {@code cell} is stored: a {@code file:} URI for {@code REFERENCE} cells, a
   * {@code mem:} URI for in-memory values.
   *
   * @throws IllegalArgumentException if the cell is not part of this workflow
   */
  public URI location(Cell<?> cell) {
    return values.location(Objects.requireNonNull(cell, "cell == null"));
  }

  /**
   * The workflow's output values by cell, in output order; cells whose producer did not succeed
   * are left out.
   */
  public Map<Cell<?>, Object> outputs() {
    Map<Cell<?>, Object> outputs = new LinkedHashMap<>();
    for (Cell<?> cell : workflow.outputs()) {
      if (values.isAvailable(cell)) {
        outputs.put(cell, values.get(cell));
      }
    }
    return Collections.unmodifiableMap(outputs);
  }

  /** One record per workflow step, in the workflow's topological order. */
  public synchronized List<StepRecord> history() {
    if (history == null) {
      history = List.copyOf(historySupplier.get());
    }
    return history;
  }

  /** The run and its steps' records, as {@link RunHandle#history()} gives them. */
  public RunHistory runHistory() {
    return new RunHistory(info, history());
  }

  /**
   * The history as a plain-text table, one line per step (and per child run and its steps,
   * indented), with status, attempts, duration, cost and notes: for logs and command-line tools.
   */
  public String historyTable() {
    return HistoryTable.of(history());
  }

  /**
   * The record of one workflow step.
   *
   * @throws IllegalArgumentException if the step is not part of this workflow
   */
  public synchronized StepRecord step(WorkflowStep step) {
    if (byStep == null) {
      byStep = new HashMap<>();
      for (StepRecord record : history()) {
        byStep.put(record.stepId(), record);
      }
    }
    StepRecord record = byStep.get(step.id());
    if (record == null) {
      throw new IllegalArgumentException("step '" + step.slug() + "' (" + step.id()
          + ") is not part of workflow '" + workflow.name() + "'");
    }
    return record;
  }

  /**
   * The error of the first failed step in workflow order, if any: as thrown when the engine that
   * ran the step still has it, otherwise a {@link StepFailedException} describing it.
   */
  public Optional<Throwable> failure() {
    if (failure != null) {
      return Optional.of(failure);
    }
    return firstFailed().map(step -> new StepFailedException(info.runId(), step.stepId(),
        step.slug(), step.attempts().size(), step.error()));
  }

  private Optional<StepRecord> firstFailed() {
    return history().stream().filter(r -> r.status() == StepStatus.FAILED && r.error() != null)
        .findFirst();
  }

  /**
   * Returns this result if the run succeeded.
   *
   * @throws RunFailedException if it failed or was stopped; its cause is the first failed step's
   *     error
   */
  public RunResult requireSucceeded() {
    if (info.status() == RunStatus.SUCCEEDED) {
      return this;
    }
    String prefix = "run " + info.runId() + " of workflow '" + workflow.name() + "'";
    StepRecord first = firstFailed().orElse(null);
    if (first == null) {
      throw new RunFailedException(prefix + " was stopped: "
          + stopReason().orElse(String.valueOf(info.error())), this, null);
    }
    throw new RunFailedException(prefix + " failed at step '" + first.slug() + "': "
        + first.error(), this, failure().orElse(null));
  }

  /**
   * Deletes this run's values from the engine's value and reference stores, to free memory and
   * disk once the results have been read; {@link #get} fails afterwards. The status and history
   * stay readable.
   *
   * @throws dev.fancy.store.DatumStoreException if stored files cannot be deleted
   */
  public void discard() {
    values.discard();
  }

  @Override
  public String toString() {
    return "RunResult[" + info.runId() + ", " + workflow.name() + ", " + info.status() + "]";
  }
}
