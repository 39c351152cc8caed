package dev.fancy.engine;

/** The outcome of one workflow step in a run. */
public enum StepStatus {
  /** The step ran and stored its outputs. */
  SUCCEEDED,
  /** The step ran and threw, or its inputs could not be resolved. */
  FAILED,
  /** The step did not run because a step it depends on failed or the run was stopped. */
  SKIPPED,
  /** The step was running when the run was stopped; its outputs were not stored. */
  CANCELLED
}
