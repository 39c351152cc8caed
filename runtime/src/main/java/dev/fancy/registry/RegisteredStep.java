package dev.fancy.registry;

import dev.fancy.workflow.Contract;
import dev.fancy.workflow.StepOptions;
import java.util.Objects;

/**
 * What a registry says about one registered step version, for people and tools (a server's
 * step list, {@code fancy steps}): its identity, description, typed contract and default
 * policies. The code that runs it stays with the registry.
 *
 * @param slug the step's slug
 * @param version its version, from 1
 * @param description its description (the method's Javadoc), possibly empty
 * @param contract its named, typed inputs and outputs
 * @param defaults its default policies ({@code @Retry}, {@code @Timeout}, {@code @Cached})
 */
public record RegisteredStep(String slug, int version, String description, Contract contract,
    StepOptions defaults) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public RegisteredStep {
    Objects.requireNonNull(slug, "slug == null");
    Objects.requireNonNull(description, "description == null");
    Objects.requireNonNull(contract, "contract == null");
    Objects.requireNonNull(defaults, "defaults == null");
  }
}
