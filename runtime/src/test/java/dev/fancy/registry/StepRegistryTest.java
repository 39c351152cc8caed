package dev.fancy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.MathSteps;
import dev.fancy.workflow.Contract;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepRegistryTest {

  private static StepDefinition definition(String slug, int version) {
    return new StepDefinition(slug, version, "", Contract.of(List.of(), List.of()),
        (step, args) -> new Object[0]);
  }

  @Test
  void findsDefinitionsBySlugAndVersion() {
    StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module())
        .register(definition("math.add", 2));
    assertThat(registry.find("math.add", 1)).get().extracting(StepDefinition::description)
        .isEqualTo("Adds two numbers.");
    assertThat(registry.versions("math.add")).containsExactly(1, 2);
    assertThat(registry.find("math.add", 3)).isEmpty();
  }

  @Test
  void duplicatesAreRejectedAndAModuleRegistersAllOrNothing() {
    StepRegistry registry = StepRegistry.empty().register(definition("math.shout", 1));
    assertThatThrownBy(() -> registry.register(new MathSteps.Module()))
        .isInstanceOf(DuplicateStepException.class)
        .hasMessageContaining("step math.shout@1 from dev.fancy.fixtures.MathSteps$Module is "
            + "already registered by an explicit registration");
    assertThat(registry.find("math.add", 1)).isEmpty();
  }

  @Test
  void malformedDefinitionsAreRejected() {
    assertThatThrownBy(() -> definition("Bad Slug", 1))
        .hasMessageContaining("slug 'Bad Slug' is malformed");
    assertThatThrownBy(() -> definition("ok.slug", 0))
        .hasMessageContaining("has version 0; versions start at 1");
  }
}
