package dev.fancy.engine;

/** How one attempt of a step ended. */
public enum AttemptOutcome {
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
  /** The run was cancelled while the attempt ran. */
  CANCELLED
}
