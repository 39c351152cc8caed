package dev.fancy.registry;

import dev.fancy.workflow.Contract;
import dev.fancy.workflow.WorkflowStep;
import java.util.Objects;

/**
 * What the registry knows about one version of one step: identity, contract and code.
 *
 * @param slug the step's slug, e.g. {@code etl.load_csv}
 * @param version the step's version, {@code >= 1}
 * @param description a one-line description, possibly empty
 * @param contract the step's inputs and outputs
 * @param invoker calls the step's code
 */
public record StepDefinition(
    String slug, int version, String description, Contract contract, StepInvoker invoker) {

  /**
   * Validates the definition.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the slug is malformed or the version is below 1
   */
  public StepDefinition {
    WorkflowStep.checkSlug(slug);
    WorkflowStep.checkVersion(slug, version);
    Objects.requireNonNull(description, "description == null");
    Objects.requireNonNull(contract, "contract == null");
    Objects.requireNonNull(invoker, "invoker == null");
  }

  /** {@code slug@version}, as used in messages. */
  public String key() {
    return slug + "@" + version;
  }
}
