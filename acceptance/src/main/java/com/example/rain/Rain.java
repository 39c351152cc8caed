package com.example.rain;

import dev.fancy.annotations.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Steps over daily weather rows: read, list stations, total one station, judge the totals. */
public final class Rain {

  private Rain() {}

  /** One day at one station; precipitation in millimetres. */
  public record Day(String station, LocalDate date, double precipitation) {}

  /** A station's rain over the whole file: millimetres and days with any rain. */
  public record StationRain(String station, double millimetres, int wetDays) {}

  /** Reads the CSV (header {@code location,date,precipitation,...}). */
  @Step(slug = "rain.read")
  public static List<Day> read(Path csv) throws IOException {
    try (Stream<String> lines = Files.lines(csv)) {
      return lines.skip(1).map(line -> line.split(",", -1))
          .map(f -> new Day(f[0], LocalDate.parse(f[1]), Double.parseDouble(f[2])))
          .toList();
    }
  }

  /** The stations, in order of first appearance. */
  @Step(slug = "rain.stations")
  public static List<String> stations(List<Day> days) {
    return days.stream().map(Day::station).distinct().toList();
  }

  /** One station's total. */
  @Step(slug = "rain.total", splitRecord = false)
  public static StationRain total(List<Day> days, String station) {
    List<Day> own = days.stream().filter(d -> d.station().equals(station)).toList();
    double millimetres = own.stream().mapToDouble(Day::precipitation).sum();
    int wet = (int) own.stream().filter(d -> d.precipitation() > 0).count();
    return new StationRain(station, millimetres, wet);
  }

  /** Whether any station's total is above its limit in millimetres. */
  @Step(slug = "rain.over_limit")
  public static boolean overLimit(List<StationRain> totals, Map<String, Double> limits) {
    return totals.stream().anyMatch(t -> t.millimetres() > limits.getOrDefault(t.station(),
        Double.POSITIVE_INFINITY));
  }

  /** Names the stations over their limits. */
  @Step(slug = "rain.alert")
  public static String alert(List<StationRain> totals, Map<String, Double> limits) {
    return "ALERT: " + totals.stream()
        .filter(t -> t.millimetres() > limits.getOrDefault(t.station(), Double.POSITIVE_INFINITY))
        .map(t -> String.format(Locale.ROOT, "%s %.1f mm > %.1f mm", t.station(), t.millimetres(),
            limits.get(t.station())))
        .collect(Collectors.joining("; "));
  }

  /** Says every station stayed within its limit. */
  @Step(slug = "rain.all_clear")
  public static String allClear(List<StationRain> totals) {
    return "all clear: " + totals.size() + " stations within their limits";
  }
}
