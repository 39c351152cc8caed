package dev.fancy.workflow;

import dev.fancy.FancyException;
import java.util.List;

/**
 * A workflow, its JSON or a run's inputs are invalid. Thrown before any step runs, so nothing is
 * executed or stored. {@link #problems()} lists every problem found, each naming the step and
 * cell involved and saying how to fix it; the message joins them.
 */
public class WorkflowValidationException extends FancyException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * Creates the exception.
   *
   * @param context what was being validated, e.g. {@code workflow 'etl'}
   * @param problems one sentence per problem, at least one
   */
  public WorkflowValidationException(String context, List<String> problems) {
    super(context + " is invalid:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, one sentence each. */
  public List<String> problems() {
    return problems;
  }
}
