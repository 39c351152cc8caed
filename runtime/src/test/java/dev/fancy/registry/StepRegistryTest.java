package dev.fancy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.MathSteps;
import dev.fancy.internal.StepDefinition;
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
  void aModuleGeneratedForAnotherApiVersionIsRefusedWithTheAdviceToRebuild() {
    StepModule stale = new StepModule() {
      @Override
      public List<StepDefinition> steps() {
        return List.of(definition("old.step", 1));
      }

      @Override
      public int apiVersion() {
        return StepModule.GENERATED_API_VERSION + 1;
      }
    };
    StepRegistry registry = StepRegistry.empty();
    assertThatThrownBy(() -> registry.register(stale))
        .isInstanceOf(IncompatibleModuleException.class)
        .hasMessage("step module " + stale.getClass().getName() + " was generated for "
            + "generated-code API version 2, but this fancy-runtime runs version 1. Rebuild the "
            + "project that contains it with the fancy-processor of the same Fancy version as "
            + "fancy-runtime (for Maven: mvn clean compile), so its code is generated again");
    assertThat(registry.find("old.step", 1)).isEmpty();
  }

  @Test
  void malformedDefinitionsAreRejected() {
    assertThatThrownBy(() -> definition("Bad Slug", 1))
        .hasMessageContaining("slug 'Bad Slug' is malformed");
    assertThatThrownBy(() -> definition("ok.slug", 0))
        .hasMessageContaining("has version 0; versions start at 1");
  }
}
