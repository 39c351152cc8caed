package dev.fancy.examples.weather;

import dev.fancy.engine.Engine;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Runs the weather workflow on a CSV file and prints the report and each step's timing.
 *
 * <p>Usage: {@code WeatherReportMain <weather.csv> <report.md>}; exits with status 1 if the run
 * fails and 2 on bad arguments.
 */
public final class WeatherReportMain {

  private WeatherReportMain() {}

  /** Entry point; see the class documentation for the arguments. */
  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: WeatherReportMain <weather.csv> <report.md>");
      System.exit(2);
    }
    WeatherWorkflow weather = new WeatherWorkflow();
    try (Engine engine = Engine.inMemory()) {
      RunResult result = engine.run(weather.workflow,
          Inputs.of(weather.csv, Path.of(args[0])).and(weather.reportFile, Path.of(args[1])));
      System.out.print(result.historyTable());
      result.requireSucceeded();
      System.out.println();
      System.out.print(result.get(weather.report.markdown()));
      System.out.printf(Locale.ROOT, "%nrows dropped while cleaning: %d; report written to %s%n",
          result.get(weather.clean.dropped()), result.get(weather.report.file()));
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
