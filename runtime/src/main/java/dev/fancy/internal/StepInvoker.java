package dev.fancy.internal;

import dev.fancy.frame.ExecutionFrame;

/**
 * Calls a step's code. Generated modules implement it with a direct method call and casts, so
 * execution uses no reflection.
 */
@FunctionalInterface
public interface StepInvoker {

  /**
   * Invokes the step once.
   *
   * @param frame this attempt's frame: run, step (its wiring; the built-in composite steps read
   *     their member names from it), attempt, usage meter, chunk sink, cancellation
   * @param args input values in the workflow step's input order, already checked against the
   *     contract's types
   * @return output values in the workflow step's output order; an empty array for {@code void}
   * @throws Exception whatever the step's code throws; the engine records it as the step's error
   */
  Object[] invoke(ExecutionFrame frame, Object[] args) throws Exception;
}
