package dev.fancy.internal;

import dev.fancy.workflow.Contract;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.spi.StepIdentity;
import java.util.Objects;

/**
 * What the registry knows about one version of one step: identity, contract and code.
 *
 * @param slug the step's slug, e.g. {@code etl.load_csv}
 * @param version the step's version, {@code >= 1}
 * @param description a one-line description, possibly empty
 * @param contract the step's inputs and outputs
 * @param invoker calls the step's code
 * @param defaults the step's default policies (from {@code @Retry}, {@code @Timeout},
 *     {@code @Cached}); workflow steps may override them
 */
public record StepDefinition(String slug, int version, String description, Contract contract,
    StepInvoker invoker, StepOptions defaults) {

  /**
   * Validates the definition.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the slug is malformed, the version is below 1, or the
   *     defaults are invalid
   */
  public StepDefinition {
    StepIdentity.checkSlug(slug);
    StepIdentity.checkVersion(slug, version);
    Objects.requireNonNull(description, "description == null");
    Objects.requireNonNull(contract, "contract == null");
    Objects.requireNonNull(invoker, "invoker == null");
    Objects.requireNonNull(defaults, "defaults == null");
    if (!defaults.problems().isEmpty()) {
      throw new IllegalArgumentException("step " + slug + "@" + version + " has invalid default "
          + "options: " + String.join("; ", defaults.problems()));
    }
  }

  /** A definition without default policies. */
  public StepDefinition(
      String slug, int version, String description, Contract contract, StepInvoker invoker) {
    this(slug, version, description, contract, invoker, StepOptions.DEFAULT);
  }

  /** {@code slug@version}, as used in messages. */
  public String key() {
    return slug + "@" + version;
  }
}
