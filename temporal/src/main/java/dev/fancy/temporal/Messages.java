package dev.fancy.temporal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.frame.StepFailure;
import dev.fancy.frame.Usage;
import dev.fancy.frame.UsageLimits;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunInfo;
import dev.fancy.run.StepRecord;
import dev.fancy.workflow.StepOptions;
import java.util.List;
import java.util.Map;

/**
 * Not API: what travels between the engine, the interpreter workflow and the activities: plain records of
 * JSON trees, converted by {@link FancyPayloadConverter}. Values are JSON trees everywhere but in
 * the activity that runs a step, so the interpreter never loads a user's value classes.
 */
public final class Messages {
  private Messages() {}

  /**
   * The argument of the interpreter workflow: everything needed to run (and replay) a run.
   *
   * @param runId the Fancy run ID (also the Temporal workflow ID)
   * @param workflowJson the Fancy workflow as JSON
   * @param inputs the run's input values by input cell ID
   * @param limits the run's usage limits
   * @param options every step's effective options (the registry's defaults overridden by the
   *     workflow step's), by step ID, for the steps of the workflow and of every child workflow
   * @param labels the run's labels
   * @param createdAtMillis when the engine accepted the run
   * @param heartbeatTimeoutMillis the heartbeat timeout of step activities: how soon a lost
   *     worker's attempt is given to another worker, and how soon a cancellation reaches a step
   * @param resumed for a resumed run, the previous execution's outcome (its succeeded steps keep
   *     their records and values; its events go on); for a run continued as new, its state so
   *     far; null for a new run
   * @param historyLimit how many history events one execution of the run may reach before it
   *     continues as new (0, or absent in requests of interpreter version 1: {@link
   *     Interpreter#DEFAULT_HISTORY_LIMIT})
   * @param continued whether {@code resumed} is this run's own state carried into a new
   *     execution by continue-as-new (every ended step keeps its record, the run its start)
   *     rather than the outcome of an execution that ended
   * @param searchAttributes whether the run's search attributes ({@link RunSearchAttributes}) are
   *     registered in the namespace, so the interpreter upserts the run's status at its end
   */
  public record RunRequest(String runId, String workflowJson, Map<String, JsonNode> inputs,
      UsageLimits limits, Map<String, StepOptions> options, Map<String, String> labels,
      long createdAtMillis, long heartbeatTimeoutMillis, RunOutcome resumed, Integer historyLimit,
      Boolean continued, Boolean searchAttributes) {

    /**
     * Fills the fields that requests of interpreter version 1 do not have (their histories
     * replay with these): no limit of its own, not continued, no search attributes.
     */
    public RunRequest {
      historyLimit = historyLimit == null ? 0 : historyLimit;
      continued = continued != null && continued;
      searchAttributes = searchAttributes != null && searchAttributes;
    }

    /** This request for the next execution of a run continued as new with {@code state}. */
    RunRequest continuedWith(RunOutcome state) {
      return new RunRequest(runId, workflowJson, inputs, limits, options, labels,
          createdAtMillis, heartbeatTimeoutMillis, state, historyLimit, true, searchAttributes);
    }
  }

  /**
   * One step to run in an activity.
   *
   * @param runId the Fancy run
   * @param path where the step runs in the run ({@code <stepId>} at the top level, prefixed by
   *     the control-flow step and child run inside one); the interpreter's key of its record
   * @param workflowHash the SHA-256 of the run's workflow JSON, where the step is found by ID; a
   *     worker that has not seen it yet asks the run for it (the JSON does not travel with every
   *     step, which would put it into the history once per step)
   * @param stepId the workflow step
   * @param inputs its input values by input name
   * @param options its effective options
   * @param fallback for a fallback call, why the step failed; null otherwise
   */
  public record StepRequest(String runId, String path, String workflowHash, String stepId,
      Map<String, JsonNode> inputs, StepOptions options, StepFailure fallback) {}

  /**
   * What a step's activity returns.
   *
   * @param outputs the output values by output name
   * @param attempt the successful attempt, or null for a cache hit
   * @param cacheHit whether the outputs came from the cache
   * @param chunks what the step emitted, in order
   */
  public record StepOutcome(Map<String, JsonNode> outputs, AttemptRecord attempt, boolean cacheHit,
      List<JsonNode> chunks) {}

  /**
   * The details of a failed attempt, carried by its {@code ApplicationFailure} and by the signal
   * an activity sends when an attempt that will be retried fails.
   *
   * @param path the step's path (see {@link StepRequest#path})
   * @param attempt the attempt's record
   * @param chunks what it emitted
   */
  public record AttemptReport(String path, AttemptRecord attempt, List<JsonNode> chunks) {}

  /**
   * What the interpreter's query answers: the run now, and its events from a sequence number.
   *
   * @param info the run
   * @param steps one record per top-level workflow step
   * @param events the events asked for
   */
  public record RunState(RunInfo info, List<StepRecord> steps, List<RunEvent> events) {}

  /**
   * What the interpreter workflow returns when the run has ended.
   *
   * @param info the run, in a final state
   * @param steps one record per top-level workflow step
   * @param values every computed top-level cell's value by cell ID
   * @param events every event of the run
   * @param breach the usage limit breach that stopped the run, or null
   * @param total the run's total usage
   * @param durationMillis from the first step's start to the run's end, workflow time
   * @param limits the run's usage limits (kept for a resume), or null
   */
  public record RunOutcome(RunInfo info, List<StepRecord> steps, Map<String, JsonNode> values,
      List<RunEvent> events, String breach, Usage total, long durationMillis,
      UsageLimits limits) {}

  /**
   * One batch of a large map's elements, run as a child workflow so that no execution's history
   * outgrows Temporal's limit.
   *
   * @param run the parent run's request (without a resumed outcome)
   * @param flowStepId the map step
   * @param path the map step's path in the parent run
   * @param inputs the map step's inputs by name
   * @param items this batch's elements
   * @param offset the index of its first element in the whole list
   */
  public record BatchRequest(RunRequest run, String flowStepId, String path,
      Map<String, JsonNode> inputs, JsonNode items, int offset) {}

  /**
   * What a batch returns.
   *
   * @param results each element's result, null where it failed
   * @param failures each element's failure, null where it succeeded
   * @param usage what the batch's steps reported
   * @param stopped whether the batch was cancelled before it ended
   */
  public record BatchOutcome(List<JsonNode> results, List<String> failures, Usage usage,
      boolean stopped) {}
}
