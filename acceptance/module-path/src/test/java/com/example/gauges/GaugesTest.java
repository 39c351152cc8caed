package com.example.gauges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fancy.annotations.Step;
import dev.fancy.engine.Engine;
import dev.fancy.registry.StepRegistry;
import dev.fancy.registry.WorkflowRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs inside the module (Surefire puts a modular project's tests on the module path, patched
 * into com.example.gauges): the registries find the module's steps and workflow through its
 * provides clauses. The test's own {@code @Step} class is compiled into the patched module too;
 * the main module-info.java cannot list its generated module, so it is registered by hand.
 */
public class GaugesTest {

  private static final Path CSV = Path.of("..", "..", "examples", "data", "weather.csv");

  /** A step declared in the tests. */
  public static final class Doubling {
    /** Twice the limit. */
    @Step(slug = "gauges_test.twice")
    public static double twice(double limit) {
      return 2 * limit;
    }
  }

  @Test
  public void runsOnTheModulePath() {
    assertTrue(GaugesTest.class.getModule().isNamed(), "tests run in the named module");
    Workflow workflow = WorkflowRegistry.loadDefault().find("gauges.wet_stations").orElseThrow();
    Inputs inputs = Inputs.of(GaugesMain.input(workflow, "csv", Path.class), CSV)
        .and(GaugesMain.input(workflow, "limit", Double.class), 4_300.0);
    try (Engine engine = Engine.inMemory()) {
      RunResult result = engine.run(workflow, inputs).requireSucceeded();
      assertEquals(List.of(List.of("Seattle")), List.copyOf(result.outputs().values()));
    }
  }

  @Test
  public void aTestStepRegisteredByHandRuns() {
    Cell<Double> limit = Cell.input("limit", Double.class);
    Cell<Double> twice = GaugesTest_DoublingSteps.twice(limit).out();
    StepRegistry registry =
        StepRegistry.loadDefault().register(new GaugesTest_DoublingStepModule());
    try (Engine engine = Engine.builder().registry(registry).build()) {
      RunResult result = engine.run(Workflow.of("gauges_test.twice", twice),
          Inputs.of(limit, 2.0)).requireSucceeded();
      assertEquals(4.0, result.get(twice));
    }
  }
}
