package dev.fancy.journal;

/** The state of one journaled attempt. */
public enum AttemptStatus {
  /** Executing, in the process that holds the run's lease. */
  RUNNING,
  /** Its outputs, the step's success and its staged effects committed together. */
  SUCCEEDED,
  /** It threw, timed out, was rejected by a validator or vetoed; the error is recorded. */
  FAILED,
  /**
   * Its process died or lost the run's lease before it ended; the process that took the run over
   * closed it. Its effects did not commit.
   */
  ABANDONED
}
