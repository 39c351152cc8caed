package dev.fancy.run;

/**
 * The state of one attempt of one step, the same in memory, in the journal and on every surface.
 * {@link #RUNNING} is the only state that is not final.
 */
public enum AttemptStatus {
  /** Executing, in the process that holds the run. */
  RUNNING,
  /** The step's code returned and every validator accepted the outputs. */
  SUCCEEDED,
  /** The step's code (or an interceptor) threw. */
  FAILED,
  /** The attempt ran longer than the step's timeout and was interrupted. */
  TIMED_OUT,
  /** A validator rejected the outputs. */
  VALIDATION_FAILED,
  /** An interceptor vetoed the attempt before it ran. */
  VETOED,
  /** The run was cancelled (or stopped by a usage limit) while the attempt ran. */
  CANCELLED,
  /**
   * Its process died or lost the run's lease before it ended; the process that took the run over
   * closed it. Its effects did not commit.
   */
  ABANDONED;

  /** Whether the attempt has ended. */
  public boolean isFinal() {
    return this != RUNNING;
  }
}
