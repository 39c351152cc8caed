package dev.fancy.registry;

import java.util.List;

/**
 * A group of step definitions, usually generated: one {@code <Class>StepModule} per class with
 * {@code @Step} methods. Modules with a public no-argument constructor are listed in
 * {@code META-INF/services/dev.fancy.registry.StepModule} by the processor, so
 * {@link StepRegistry#loadDefault()} finds them with {@link java.util.ServiceLoader}; modules of
 * classes with instance steps take the instance in their constructor and are registered with
 * {@link StepRegistry#register(StepModule)}.
 */
public interface StepModule {

  /** The definitions this module contributes, in a stable order. */
  List<StepDefinition> steps();
}
