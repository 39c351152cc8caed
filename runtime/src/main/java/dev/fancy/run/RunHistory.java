package dev.fancy.run;

import java.util.List;
import java.util.Objects;

/**
 * A run and the record of each of its workflow steps, at one moment: while the run executes,
 * steps are {@link StepStatus#PENDING} or {@link StepStatus#RUNNING}; once it has ended, every
 * step is in a final state.
 *
 * @param run the run
 * @param steps one record per workflow step, in workflow order
 */
public record RunHistory(RunInfo run, List<StepRecord> steps) {

  /** Copies the list. */
  public RunHistory {
    Objects.requireNonNull(run, "run == null");
    steps = List.copyOf(steps);
  }
}
