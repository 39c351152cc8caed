package dev.fancy.workflow;

import dev.fancy.registry.StepModule;
import java.util.Objects;

/**
 * Where generated code says a step's code is registered from, so that an unregistered step can be
 * reported with the fix that applies. Generated step classes pass it; hand-written steps have
 * none.
 *
 * @param module the binary name of the generated {@code StepModule}
 * @param needsInstance whether the module takes an instance of the step class (the class has
 *     instance steps), so {@code ServiceLoader} cannot create it and it must be registered by hand
 */
public record StepOrigin(String module, boolean needsInstance) {

  /** Validates the origin. */
  public StepOrigin {
    Objects.requireNonNull(module, "module == null");
  }

  /** One sentence saying how to register the module, for error messages. */
  public String registrationHint() {
    String simple = module.substring(module.lastIndexOf('.') + 1);
    return needsInstance
        ? module + " has instance steps, so it is not found by ServiceLoader: register it with "
            + "its instance, StepRegistry.loadDefault().register(new " + simple + "(instance))"
        : module + " is listed for ServiceLoader by fancy-processor: check that the jar holding it "
            + "is on the class path (on the module path, that its module-info.java says "
            + "'provides dev.fancy.registry.StepModule with " + module + ";'), or register it "
            + "with StepRegistry.register(new " + simple + "())";
  }
}
