package dev.fancy.run;

/**
 * The state of one workflow step in a run. A {@link RunResult}'s history holds only final states;
 * the journal also records {@link #PENDING} and {@link #RUNNING} while a run executes.
 */
public enum StepStatus {
  /** Waiting for the steps it depends on, or for its next attempt after a failed one. */
  PENDING,
  /** An attempt is executing. */
  RUNNING,
  /** The step ran and stored its outputs. */
  SUCCEEDED,
  /** The step ran and threw, or its inputs could not be resolved. */
  FAILED,
  /** The step did not run because a step it depends on failed or the run was stopped. */
  SKIPPED,
  /** The step was running when the run was stopped; its outputs were not stored. */
  CANCELLED;

  /** Whether the step has ended: succeeded, failed, skipped or cancelled. */
  public boolean isFinal() {
    return this != PENDING && this != RUNNING;
  }
}
