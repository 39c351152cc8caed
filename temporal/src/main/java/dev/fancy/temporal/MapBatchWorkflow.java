package dev.fancy.temporal;

import dev.fancy.temporal.Messages.AttemptReport;
import dev.fancy.temporal.Messages.BatchOutcome;
import dev.fancy.temporal.Messages.BatchRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A batch of a large map's elements, run by the interpreter as a child workflow: a Temporal
 * execution allows about 50,000 history events, so a map over more than
 * {@link Interpreter#MAP_BATCH} elements is partitioned into batches of that many.
 */
@WorkflowInterface
public interface MapBatchWorkflow {

  /** The workflow type name. */
  String TYPE = "FancyMapBatch";

  /** Runs the batch's elements with the map's concurrency. */
  @WorkflowMethod(name = TYPE)
  BatchOutcome run(BatchRequest request);

  /** The Fancy workflow of the parent run, as JSON (asked for by workers that lack it). */
  @QueryMethod(name = "workflow")
  String workflowJson();

  /** Stops the batch (sent by the parent run when it stops). */
  @SignalMethod(name = "cancel")
  void cancel(String reason);

  /** Records a failed attempt of a step that Temporal retries (sent by the activity). */
  @SignalMethod(name = InterpreterWorkflow.ATTEMPT_FAILED)
  void attemptFailed(AttemptReport report);
}
