package dev.fancy.temporal;

import dev.fancy.temporal.Messages.AttemptReport;
import dev.fancy.temporal.Messages.RunOutcome;
import dev.fancy.temporal.Messages.RunRequest;
import dev.fancy.temporal.Messages.RunState;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The one Temporal workflow every Fancy run executes: a deterministic interpreter of the Fancy
 * workflow JSON it is given. It schedules each step as a {@link FancyActivities} activity as soon
 * as the step's inputs exist (independent steps run at the same time), runs control flow (map,
 * conditionals, loops, routers, parallel groups, sub-workflows) itself, and answers queries
 * about the run's state and events.
 */
@WorkflowInterface
public interface InterpreterWorkflow {

  /** The workflow type name. */
  String TYPE = "FancyRun";
  /** The signal name of a failed attempt that will be retried. */
  String ATTEMPT_FAILED = "attemptFailed";

  /** Runs the Fancy workflow of {@code request} to its end. */
  @WorkflowMethod(name = TYPE)
  RunOutcome run(RunRequest request);

  /** The run now, with its events from {@code fromSequence} on. */
  @QueryMethod(name = "state")
  RunState state(long fromSequence);

  /** The Fancy workflow of this run, as JSON. */
  @QueryMethod(name = "workflow")
  String workflowJson();

  /** Stops the run: running steps are cancelled, pending ones skipped; {@code reason} is kept. */
  @SignalMethod(name = "cancel")
  void cancel(String reason);

  /** Records a failed attempt of a step that Temporal retries (sent by the activity). */
  @SignalMethod(name = ATTEMPT_FAILED)
  void attemptFailed(AttemptReport report);
}
