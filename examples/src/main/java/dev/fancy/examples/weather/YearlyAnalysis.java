package dev.fancy.examples.weather;

import dev.fancy.annotations.Retry;
import dev.fancy.annotations.Step;
import dev.fancy.annotations.Timeout;
import dev.fancy.frame.ExecutionFrame;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Steps of the resilient per-year analysis: list the years of a station's observations, summarise
 * one year (retried, with a timeout, reporting a simulated per-row cost), and write a note on
 * whether the station warmed.
 */
public final class YearlyAnalysis {

  /** Simulated price of summarising one observation, in US dollars. */
  static final BigDecimal COST_PER_ROW = new BigDecimal("0.0001");

  private YearlyAnalysis() {}

  /** The distinct calendar years of the observations, ascending. */
  @Step(slug = "weather.years")
  public static List<Integer> years(List<Observation> observations) {
    return observations.stream().map(o -> o.date().getYear()).distinct().sorted().toList();
  }

  /**
   * Summarises one calendar year of observations. Reports a cost per row through the frame, so a
   * run's budget bounds how much data it may process.
   *
   * @throws IllegalArgumentException if the year has no observations
   */
  @Step(slug = "weather.summarize_year", splitRecord = false)
  @Retry(maxAttempts = 3, initialBackoffMillis = 10, neverRetryOn = IllegalArgumentException.class)
  @Timeout(30)
  public static YearSummary summarizeYear(List<Observation> observations, int year,
      ExecutionFrame frame) {
    List<Observation> days = observations.stream().filter(o -> o.date().getYear() == year)
        .toList();
    if (days.isEmpty()) {
      throw new IllegalArgumentException("no observations in " + year);
    }
    frame.usage().cost(COST_PER_ROW.multiply(BigDecimal.valueOf(days.size())))
        .count("rows", days.size());
    frame.emit("summarised " + days.size() + " days of " + year);
    Map<String, Integer> weatherDays = days.stream().collect(Collectors.groupingBy(
        Observation::weather, TreeMap::new, Collectors.summingInt(o -> 1)));
    return new YearSummary(days.get(0).location(), year, days.size(),
        days.stream().mapToDouble(Observation::tempMax).average().orElseThrow(),
        days.stream().mapToDouble(Observation::tempMin).average().orElseThrow(),
        days.stream().mapToDouble(Observation::precipitation).sum(), weatherDays);
  }

  /** Whether the last year's mean maximum temperature is above the first year's. */
  @Step(slug = "weather.warmed")
  public static boolean warmed(List<YearSummary> years) {
    return years.get(years.size() - 1).meanTempMax() > years.get(0).meanTempMax();
  }

  /** A note for a station that warmed: first and last yearly mean maximum. */
  @Step(slug = "weather.warming_note")
  public static String warmingNote(List<YearSummary> years) {
    YearSummary first = years.get(0);
    YearSummary last = years.get(years.size() - 1);
    return String.format(Locale.ROOT, "%s warmed: mean daily maximum %.2f °C in %d, %.2f °C in %d",
        first.location(), first.meanTempMax(), first.year(), last.meanTempMax(), last.year());
  }

  /** A note for a station that did not warm. */
  @Step(slug = "weather.steady_note")
  public static String steadyNote(List<YearSummary> years) {
    YearSummary first = years.get(0);
    YearSummary last = years.get(years.size() - 1);
    return String.format(Locale.ROOT, "%s did not warm: mean daily maximum %.2f °C in %d, "
        + "%.2f °C in %d", first.location(), first.meanTempMax(), first.year(),
        last.meanTempMax(), last.year());
  }
}
