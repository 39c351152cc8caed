package com.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.engine.Engine;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import org.junit.jupiter.api.Test;

/** A workflow of instance steps runs once their module is registered with the instance. */
class InstanceStepsTest {

  private final Cell<Double> amount = Cell.input("amount", Double.class);
  private final PricingSteps.QuoteStep quote = PricingSteps.quote(amount);
  private final Workflow workflow = Workflow.of("quote", quote);

  @Test
  void anUnregisteredInstanceModuleIsNamedWithTheLineThatRegistersIt() {
    try (Engine engine = Engine.inMemory()) {
      assertThatThrownBy(() -> engine.run(workflow, Inputs.of(amount, 10.0)))
          .isInstanceOf(WorkflowValidationException.class)
          .hasMessageContaining("calls pricing.quote@1, which is not registered: "
              + "com.acme.PricingStepModule has instance steps, so it is not found by "
              + "ServiceLoader: register it with its instance, "
              + "StepRegistry.loadDefault().register(new PricingStepModule(instance))");
    }
  }

  @Test
  void registeredWithItsInstanceTheStepRuns() {
    StepRegistry registry = StepRegistry.loadDefault().register(
        new PricingStepModule(new Pricing(1.5)));
    try (Engine engine = Engine.builder().registry(registry).build()) {
      assertThat(engine.run(workflow, Inputs.of(amount, 10.0)).get(quote.out())).isEqualTo(15.0);
    }
  }
}
