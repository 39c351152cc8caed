package dev.fancy.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.registry.StepRegistry;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.util.UUID;

/**
 * The engine contract: what every engine implements (in memory, on the durable journal, on
 * Temporal) and all that the server, the CLI and sweeps use. Start a run, attach to any run by
 * ID, resume, list runs, and say which features the engine has. The history model
 * ({@link RunInfo}, {@link StepRecord}, {@link AttemptRecord}, {@link RunEvent}) is the same for
 * every engine.
 *
 * <pre>{@code
 * try (WorkflowEngine engine = Engine.inMemory()) {
 *   RunHandle run = engine.start(workflow, Inputs.of(file, Path.of("data.csv")));
 *   run.subscribe(1, event -> System.out.println(event.type() + " " + event.slug()));
 *   double mean = run.result().requireSucceeded().get(meanStep.out());
 * }
 * }</pre>
 */
public interface WorkflowEngine extends AutoCloseable {

  /**
   * Checks {@code workflow} against the registry, then {@code inputs} against the workflow, then
   * starts a run and returns at once.
   *
   * @throws WorkflowValidationException if the workflow, its inputs or the options are invalid;
   *     nothing ran or was recorded
   * @throws dev.fancy.journal.JournalException if a durable engine cannot record the run
   * @throws IllegalStateException if the engine is closed
   */
  RunHandle start(Workflow workflow, Inputs inputs, RunOptions options);

  /** {@link #start(Workflow, Inputs, RunOptions)} with {@link RunOptions#DEFAULT}. */
  default RunHandle start(Workflow workflow, Inputs inputs) {
    return start(workflow, inputs, RunOptions.DEFAULT);
  }

  /**
   * Starts a run and waits for its result.
   *
   * @return the result; a failed step makes a {@link RunStatus#FAILED} result, not an exception
   * @throws WorkflowValidationException as for {@link #start}
   * @throws UsageLimitExceededException if the run's usage exceeded its limits; it carries the
   *     stopped run's result
   */
  default RunResult run(Workflow workflow, Inputs inputs, RunOptions options) {
    return start(workflow, inputs, options).result();
  }

  /** {@link #run(Workflow, Inputs, RunOptions)} with {@link RunOptions#DEFAULT}. */
  default RunResult run(Workflow workflow, Inputs inputs) {
    return run(workflow, inputs, RunOptions.DEFAULT);
  }

  /**
   * A handle on a run this engine knows: one it started, or (for engines with
   * {@link Capability#DURABLE_RUNS}) one another process started on the same journal.
   *
   * @throws RunNotFoundException if the engine knows no such run
   */
  RunHandle handle(UUID runId);

  /**
   * Continues a failed or cancelled run from where it stopped: committed steps keep their
   * results, the others run again with new attempts.
   *
   * @throws RunNotFoundException if the engine knows no such run
   * @throws IllegalStateException if the run succeeded or is running
   * @throws UnsupportedOperationException if the engine lacks {@link Capability#RESUME}
   */
  RunHandle resume(UUID runId);

  /** One page of the runs the engine knows, newest first. */
  RunPage runs(RunQuery query);

  /**
   * Deletes a finished run ({@link RunStatus#isFinal()}: succeeded, failed or cancelled) and
   * everything the engine recorded for it: its steps, attempts, checkpoints, events, labels and
   * stored values.
   * Afterwards {@link #handle} throws {@link RunNotFoundException} for it and {@link #runs} no
   * longer lists it; handles obtained before see a run that no longer exists. A durable engine
   * deletes the run's rows in one transaction, so a crash leaves the run either whole or gone.
   *
   * @return true if the run was deleted, false if the engine knows no such run
   * @throws IllegalStateException if the run has not finished (pending or running, here or in
   *     another process); cancel it first, or wait for it to end
   * @throws UnsupportedOperationException if the engine lacks {@link Capability#DELETE}
   * @throws dev.fancy.journal.JournalException if a durable engine cannot delete the rows
   */
  boolean delete(UUID runId);

  /** What this engine supports. */
  Capabilities capabilities();

  /** The registry the engine finds steps in (by slug and version). */
  StepRegistry registry();

  /** The codec the engine converts values to and from JSON with. */
  ValueCodec codec();

  /**
   * Checks {@code workflow} against the registry and {@code inputs} against the workflow without
   * running anything.
   *
   * @throws WorkflowValidationException listing every problem
   */
  void validate(Workflow workflow, Inputs inputs);

  /**
   * Reads a run's inputs from JSON: the one place where inputs are names rather than cells
   * (HTTP bodies, config files). Each value is converted to its input cell's type with this
   * engine's codec; every problem is reported at once.
   *
   * @param json an object of input alias to value
   * @throws WorkflowValidationException naming each missing, unknown or mistyped input
   */
  default Inputs inputsFromJson(Workflow workflow, JsonNode json) {
    return Inputs.fromJson(workflow, json, codec());
  }

  /** Stops accepting runs and releases the engine's threads and files. */
  @Override
  void close();
}
