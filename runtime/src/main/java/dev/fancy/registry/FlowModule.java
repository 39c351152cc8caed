package dev.fancy.registry;

import dev.fancy.internal.StepDefinition;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.FlowStep;
import java.util.Arrays;
import java.util.List;

/**
 * Registers the control-flow slugs ({@code fancy.flow.*}) so workflows using them validate like
 * any other; the engine runs these steps itself, so their invoker is never called.
 */
final class FlowModule implements StepModule {

  @Override
  public List<StepDefinition> steps() {
    return Arrays.stream(FlowStep.Kind.values())
        .map(kind -> new StepDefinition(kind.slug(), FlowStep.VERSION,
            "Control flow: " + kind.name().toLowerCase(java.util.Locale.ROOT) + ".",
            new Contract(List.of(), List.of(), true, true), (frame, args) -> {
              throw new IllegalStateException(kind.slug() + " is run by the engine, not invoked");
            }))
        .toList();
  }
}
