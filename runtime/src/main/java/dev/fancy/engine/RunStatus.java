package dev.fancy.engine;

/** The outcome of a run. */
public enum RunStatus {
  /** Every step succeeded. */
  SUCCEEDED,
  /** At least one step failed; steps depending on it were skipped. */
  FAILED,
  /** The run was stopped (for example a usage limit was exceeded) before every step ran. */
  CANCELLED
}
