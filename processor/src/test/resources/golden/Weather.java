package dev.fancy.golden;

import dev.fancy.annotations.Cached;
import dev.fancy.annotations.Reference;
import dev.fancy.annotations.Retry;
import dev.fancy.annotations.Step;
import dev.fancy.annotations.Timeout;
import dev.fancy.frame.ExecutionFrame;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A representative class: static and instance steps, records, generics, primitives, void. */
public final class Weather {
  public record Day(String date, double precipitation, double tempMax) {}

  public record Split(@Reference List<Day> train, List<Day> test) {}

  private final String unit;

  public Weather(String unit) {
    this.unit = unit;
  }

  /**
   * Reads the days of a CSV file. Rows without a date are dropped.
   *
   * @param file the CSV file
   */
  @Step(slug = "weather.load")
  @Retry(maxAttempts = 4, initialBackoffMillis = 50, retryOn = IOException.class)
  @Timeout(30)
  public static List<Day> load(Path file, ExecutionFrame frame) throws IOException {
    return List.of();
  }

  @Step(slug = "weather.split", version = 2)
  @Cached
  public static Split split(List<Day> days, double trainFraction) {
    return new Split(days, days);
  }

  @Step(description = "Mean maximum temperature per month.")
  public Map<String, Double> monthlyMeans(List<Day> days) {
    return Map.of(unit, 0.0);
  }

  @Step
  public static void print(Map<String, Double> means) {}
}
