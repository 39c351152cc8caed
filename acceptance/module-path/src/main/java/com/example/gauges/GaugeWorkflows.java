package com.example.gauges;

import dev.fancy.annotations.WorkflowDefinition;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;

/** The workflow this module provides by name. */
public final class GaugeWorkflows {

  private GaugeWorkflows() {}

  /** csv ─ totals ─ above(limit). */
  @WorkflowDefinition(name = "gauges.wet_stations")
  public static Workflow wetStations() {
    Cell<Path> csv = Cell.input("csv", Path.class);
    Cell<Double> limit = Cell.input("limit", Double.class);
    return Workflow.of("gauges.wet_stations",
        GaugesSteps.above(GaugesSteps.totals(csv).out(), limit).out());
  }
}
