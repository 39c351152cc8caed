package com.example.gauges;

import dev.fancy.annotations.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Steps over a weather CSV ({@code station,date,precipitation_mm}). */
public final class Gauges {

  private Gauges() {}

  /** Millimetres per station, summed over every row of the file, by station name. */
  @Step(slug = "gauges.totals")
  public static Map<String, Double> totals(Path csv) throws IOException {
    Map<String, Double> totals = new TreeMap<>();
    try (Stream<String> lines = Files.lines(csv)) {
      lines.skip(1).map(line -> line.split(","))
          .forEach(f -> totals.merge(f[0], Double.parseDouble(f[2]), Double::sum));
    }
    return totals;
  }

  /** The stations whose total is above {@code limit} millimetres, in name order. */
  @Step(slug = "gauges.above")
  public static List<String> above(Map<String, Double> totals, double limit) {
    return totals.entrySet().stream().filter(e -> e.getValue() > limit)
        .map(Map.Entry::getKey).toList();
  }
}
