package dev.fancy.engine;

/**
 * The state of a run. A {@link RunResult} is always in a final state; a durable run is
 * {@link #RUNNING} in the journal until it reaches one.
 */
public enum RunStatus {
  /** Started and not finished: steps are executing, or waiting to be resumed after a crash. */
  RUNNING,
  /** Every step succeeded. */
  SUCCEEDED,
  /** At least one step failed; steps depending on it were skipped. */
  FAILED,
  /** The run was stopped (cancelled, or a usage limit was exceeded) before every step ran. */
  CANCELLED;

  /** Whether the run has ended: succeeded, failed or cancelled. */
  public boolean isFinal() {
    return this != RUNNING;
  }
}
