package dev.fancy.examples.weather;

import dev.fancy.engine.Engine;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Runs {@link FlowTour} on a CSV file and prints the control-flow history and each station's
 * results. Usage: {@code FlowTourMain <weather.csv>}; exits 1 if the run failed.
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
      RunResult result = engine.run(tour.workflow, Inputs.of(tour.csv, Path.of(args[0])));
      System.out.print(result.historyTable());
      result.requireSucceeded();
      System.out.println();
      for (StationReport report : new StationReport[] {result.get(tour.seattle),
          result.get(tour.newYork)}) {
        System.out.printf(Locale.ROOT, "%s: %+.2f °C per decade (R² %.3f); %s%n",
            report.trend().location(), report.trend().slopePerDecade(),
            report.trend().rSquared(), report.analyses());
      }
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
