package dev.fancy.examples.weather;

import dev.fancy.engine.ChildRun;
import dev.fancy.engine.Engine;
import dev.fancy.engine.RunResult;
import dev.fancy.engine.StepRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs {@link FlowTour} on a CSV file and prints the control-flow history as a tree and each
 * station's results. Usage: {@code FlowTourMain <weather.csv>}; exits 1 if the run failed.
 */
public final class FlowTourMain {

  private FlowTourMain() {}

  /** Entry point. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: FlowTourMain <weather.csv>");
      System.exit(2);
    }
    FlowTour tour = new FlowTour();
    try (Engine engine = Engine.inMemory()) {
      RunResult result = engine.run(tour.workflow, Map.of("csv", Path.of(args[0])));
      print(result.history(), "");
      result.requireSucceeded();
      for (String station : List.of("Seattle", "New York")) {
        Trend trend = result.get(station.equals("Seattle") ? tour.seattleTrend : tour.newYorkTrend);
        Map<String, Object> analyses = result.get(station.equals("Seattle")
            ? tour.seattleAnalyses : tour.newYorkAnalyses);
        System.out.printf(Locale.ROOT, "%s: %+.2f °C per decade (R² %.3f); %s%n", station,
            trend.slopePerDecade(), trend.rSquared(), analyses);
      }
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }

  static void print(List<StepRecord> steps, String indent) {
    for (StepRecord step : steps) {
      System.out.printf(Locale.ROOT, "%s%-28s %s%n", indent, step.slug(), step.status());
      for (ChildRun child : step.children()) {
        System.out.printf(Locale.ROOT, "%s  - %s: %s%n", indent, child.label(),
            child.status() == null ? child.note() : child.status());
        print(child.steps(), indent + "      ");
      }
    }
  }
}
