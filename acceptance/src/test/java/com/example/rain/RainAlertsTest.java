package com.example.rain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.rain.Rain.StationRain;
import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Engine;
import dev.fancy.engine.Journal;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outside project's workflow, checked against totals summed straight from the CSV text. */
class RainAlertsTest {

  private static final Path CSV = Path.of("..", "examples", "data", "weather.csv");

  @TempDir
  Path temp;

  private final RainAlerts rain = new RainAlerts();

  private static Map<String, Double> expectedTotals() throws IOException {
    try (Stream<String> lines = Files.lines(CSV)) {
      return lines.skip(1).map(l -> l.split(","))
          .collect(Collectors.groupingBy(f -> f[0], Collectors.summingDouble(
              f -> Double.parseDouble(f[2]))));
    }
  }

  @Test
  void mapsOverStationsAndTakesTheAlertBranchWhenALimitIsExceeded() throws IOException {
    Map<String, Double> expected = expectedTotals();
    try (Engine engine = Engine.inMemory()) {
      RunResult low = engine.run(rain.workflow, rain.inputs(CSV, Map.of("Seattle", 1.0)));
      RunResult high = engine.run(rain.workflow, rain.inputs(CSV, Map.of("Seattle", 1e9)));

      assertEquals(RunStatus.SUCCEEDED, low.status());
      List<StationRain> totals = low.get(rain.totals);
      assertEquals(List.of("Seattle", "New York"),
          totals.stream().map(StationRain::station).toList());
      for (StationRain total : totals) {
        assertEquals(expected.get(total.station()), total.millimetres(), 1e-6);
      }
      assertTrue(low.get(rain.verdict).startsWith("ALERT: Seattle "), low.get(rain.verdict));
      assertEquals("all clear: 2 stations within their limits", high.get(rain.verdict));
    }
  }

  @Test
  void theWorkflowRoundTripsThroughJsonAndRunsDurably() throws Exception {
    Workflow again = Workflow.fromJson(rain.workflow.toJson());
    assertEquals(rain.workflow, again);
    try (Journal journal = Journal.open(temp.resolve("fancy.db"));
        DurableEngine engine = DurableEngine.builder(journal).open()) {
      UUID run = engine.start(again, rain.inputs(CSV, Map.of("New York", 1.0))).id();
      assertEquals(RunStatus.SUCCEEDED, engine.handle(run).await());
    }
  }
}
