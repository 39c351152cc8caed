package com.example.rain;

import com.example.rain.Rain.StationRain;
import dev.fancy.run.Inputs;
import dev.fancy.value.TypeRef;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * read ─ stations ─ map(station → total) ─ over_limit ─ if(alert, else all_clear), with the
 * limits a generic input ({@code Map<String, Double>}).
 */
public final class RainAlerts {

  /** The weather CSV. */
  public final Cell<Path> csv = Cell.input("csv", Path.class);
  /** Millimetres allowed per station. */
  public final Cell<Map<String, Double>> limits =
      Cell.input("limits", new TypeRef<Map<String, Double>>() {});
  /** Each station's total, in station order. */
  public final Cell<List<StationRain>> totals;
  /** The alert or the all-clear. */
  public final Cell<String> verdict;
  /** The workflow. */
  public final Workflow workflow;

  /** Wires the workflow; nothing runs. */
  public RainAlerts() {
    Cell<List<Rain.Day>> days = RainSteps.read(csv).out();
    totals = Flow.map(RainSteps.stations(days).out(), 2,
        station -> RainSteps.total(days, station).out());
    verdict = Flow.ifElse(RainSteps.overLimit(totals, limits).out(),
        () -> RainSteps.alert(totals, limits).out(),
        () -> RainSteps.allClear(totals).out());
    workflow = Workflow.of("rain-alerts", totals, verdict);
  }

  /** The inputs of one run. */
  public Inputs inputs(Path file, Map<String, Double> millimetres) {
    return Inputs.of(csv, file).and(limits, millimetres);
  }
}
