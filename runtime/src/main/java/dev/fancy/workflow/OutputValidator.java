package dev.fancy.workflow;

import dev.fancy.registry.StepRegistry;
/**
 * Checks one output of a step attempt. Attach it with
 * {@link WorkflowStep#validate(Cell, OutputValidator)}, typed by the output it checks. Validators
 * run inside the retry loop: a rejected attempt counts as failed and the next attempt runs; after
 * the last one the step fails with "validation failed after N attempts: reason".
 *
 * <p>In workflow JSON a validator is named by {@link #name()}, by default its class's binary
 * name: a workflow read from JSON finds it in the registry
 * ({@code StepRegistry.registerValidator}). Write validators as named classes, not lambdas, so
 * the name is stable.
 *
 * <pre>{@code
 * public final class FullYear implements OutputValidator<YearSummary> {
 *   public String problem(YearSummary summary) {
 *     return summary.days() >= 365 ? null : summary.year() + " has only " + summary.days() + " days";
 *   }
 * }
 * summarize.validate(summarize.out(), new FullYear());
 * }</pre>
 *
 * @param <T> the type of the output it checks
 */
@FunctionalInterface
public interface OutputValidator<T> {

  /**
   * Checks one attempt's output.
   *
   * @return null if the output is acceptable, otherwise why not (one sentence)
   * @throws Exception if the check itself fails; that counts as a rejection
   */
  String problem(T output) throws Exception;

  /** The name workflow JSON refers to this validator by; default its class's binary name. */
  default String name() {
    return getClass().getName();
  }
}
