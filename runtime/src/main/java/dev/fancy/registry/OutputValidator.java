package dev.fancy.registry;

/**
 * Checks a step attempt's outputs. Registered by name with
 * {@link StepRegistry#registerValidator(String, OutputValidator)} and named in a step's options,
 * so workflows refer to validators as data. Validators run inside the retry loop: a rejected
 * attempt counts as failed and the next attempt runs; after the last one the step fails with
 * "validation failed after N attempts: reason".
 */
@FunctionalInterface
public interface OutputValidator {

  /**
   * Checks the outputs of one attempt.
   *
   * @param outputs the attempt's output values, in the workflow step's output order
   * @return null if the outputs are acceptable, otherwise why not (one sentence)
   * @throws Exception if the check itself fails; that counts as a rejection
   */
  String problem(Object[] outputs) throws Exception;
}
