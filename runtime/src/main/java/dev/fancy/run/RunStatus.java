package dev.fancy.run;

/**
 * The state of a run, the same for every engine and surface. A {@link RunResult} is always in a
 * final state.
 */
public enum RunStatus {
  /** Accepted (and, on a durable engine, recorded) but no step has started yet. */
  PENDING,
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
    return this != PENDING && this != RUNNING;
  }
}
