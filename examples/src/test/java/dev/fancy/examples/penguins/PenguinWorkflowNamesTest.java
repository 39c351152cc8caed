package dev.fancy.examples.penguins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.registry.WorkflowRegistry;
import org.junit.jupiter.api.Test;

/** The penguin workflows are {@code @WorkflowDefinition}s the registry finds by name. */
class PenguinWorkflowNamesTest {

  @Test
  void theRegistryFindsEveryPenguinWorkflowByItsName() {
    WorkflowRegistry registry = WorkflowRegistry.load(getClass().getClassLoader());
    assertThat(registry.names()).contains(PenguinWorkflow.NAME, "penguins.preprocess",
        "penguins.fit", "penguins.evaluate", "penguins.report");
    for (String name : registry.names()) {
      assertThat(registry.find(name).orElseThrow().name()).isEqualTo(name);
    }
    assertThat(registry.source(PenguinWorkflow.NAME))
        .contains("dev.fancy.examples.penguins.PenguinWorkflowWorkflowModule");
  }
}
