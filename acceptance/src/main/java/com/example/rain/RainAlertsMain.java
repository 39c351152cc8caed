package com.example.rain;

import dev.fancy.engine.Engine;
import dev.fancy.run.RunResult;
import java.nio.file.Path;
import java.util.Map;

/** Usage: {@code RainAlertsMain <weather.csv>}; prints the history and the verdict. */
public final class RainAlertsMain {

  private RainAlertsMain() {}

  /** Runs the workflow on the file, with limits of 4,500 mm for Seattle and 4,000 for New York. */
  public static void main(String[] args) {
    RainAlerts rain = new RainAlerts();
    try (Engine engine = Engine.inMemory()) {
      RunResult result = engine.run(rain.workflow, rain.inputs(Path.of(args[0]),
          Map.of("Seattle", 4_500.0, "New York", 4_000.0)));
      System.out.print(result.historyTable());
      result.requireSucceeded();
      result.get(rain.totals).forEach(System.out::println);
      System.out.println(result.get(rain.verdict));
    }
  }
}
