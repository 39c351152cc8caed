package dev.fancy.run;

import dev.fancy.frame.Usage;
import java.util.List;

/**
 * One run of a child workflow of a control-flow step: an iteration, a map element, a branch.
 *
 * @param label which child run this is: {@code body}, {@code element 3}, {@code iteration 2},
 *     {@code branch fast}
 * @param status how it ended, or null if it did not run (a branch not taken)
 * @param note why it did not run, or null
 * @param steps its steps' records
 * @param usage what its steps reported
 */
public record ChildRun(String label, RunStatus status, String note, List<StepRecord> steps,
    Usage usage) {

  /** Copies the list. */
  public ChildRun {
    steps = List.copyOf(steps);
  }
}
