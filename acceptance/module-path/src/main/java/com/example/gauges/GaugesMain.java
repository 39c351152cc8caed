package com.example.gauges;

import dev.fancy.engine.Engine;
import dev.fancy.registry.WorkflowRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;

/**
 * Usage: {@code GaugesMain <weather.csv>}, on the module path. Finds the workflow by name and its
 * steps through the module's provides clauses, runs it with a limit of 4,300 mm and prints the
 * history and the wet stations.
 */
public final class GaugesMain {

  private GaugesMain() {}

  /** Runs {@code gauges.wet_stations} on the file. */
  public static void main(String[] args) {
    Module module = GaugesMain.class.getModule();
    if (!module.isNamed()) {
      throw new IllegalStateException("run this on the module path (java --module-path ... "
          + "--module com.example.gauges/com.example.gauges.GaugesMain), not the class path");
    }
    Workflow workflow = WorkflowRegistry.loadDefault().find("gauges.wet_stations")
        .orElseThrow(() -> new IllegalStateException("gauges.wet_stations not found: is "
            + "'provides dev.fancy.registry.WorkflowModule' in module-info.java?"));
    Inputs inputs = Inputs.of(input(workflow, "csv", Path.class), Path.of(args[0]))
        .and(input(workflow, "limit", Double.class), 4_300.0);
    try (Engine engine = Engine.inMemory()) {
      RunResult result = engine.run(workflow, inputs);
      System.out.print(result.historyTable());
      result.requireSucceeded();
      System.out.println("module " + module.getName() + ", wet stations: "
          + result.outputs().values());
    }
  }

  /** The workflow's input cell named {@code alias}, typed as {@code type}. */
  @SuppressWarnings("unchecked")
  static <T> Cell<T> input(Workflow workflow, String alias, Class<T> type) {
    return (Cell<T>) workflow.inputs().stream().filter(c -> c.alias().equals(alias)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no input " + alias));
  }
}
