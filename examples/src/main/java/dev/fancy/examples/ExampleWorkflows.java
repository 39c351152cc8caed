package dev.fancy.examples;

import dev.fancy.config.WorkflowProvider;
import dev.fancy.examples.penguins.PenguinPipeline;
import dev.fancy.examples.penguins.PenguinWorkflow;
import dev.fancy.workflow.Workflow;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The examples' workflows by name, for {@code fancy run NAME --class-path ...} (registered in
 * {@code META-INF/services/dev.fancy.config.WorkflowProvider}).
 */
public final class ExampleWorkflows implements WorkflowProvider {
  @Override
  public Map<String, Supplier<Workflow>> workflows() {
    return Map.of(PenguinWorkflow.NAME, PenguinWorkflow::workflow,
        "penguins.preprocess", PenguinPipeline::preprocess,
        "penguins.fit", PenguinPipeline::fit,
        "penguins.evaluate", PenguinPipeline::evaluate,
        "penguins.report", PenguinPipeline::report);
  }
}
