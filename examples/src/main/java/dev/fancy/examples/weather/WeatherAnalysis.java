package dev.fancy.examples.weather;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.fancy.annotations.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The steps of the weather ETL and analysis workflow: load a CSV file, clean and type its rows,
 * split them by station, summarise each year, fit a temperature trend, and write a report.
 */
public final class WeatherAnalysis {

  static final Set<String> WEATHER = Set.of("drizzle", "rain", "sun", "snow", "fog");
  static final String SEATTLE = "Seattle";
  static final String NEW_YORK = "New York";

  private WeatherAnalysis() {}

  /**
   * Reads a CSV file with a header line into rows of column name to raw text.
   *
   * @throws IOException if the file cannot be read or is not CSV
   */
  @Step(slug = "weather.load_csv")
  public static List<Map<String, String>> loadCsv(Path file) throws IOException {
    CsvMapper mapper = new CsvMapper();
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    try (MappingIterator<Map<String, String>> rows = mapper.readerForMapOf(String.class)
        .with(schema).readValues(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
      return rows.readAll();
    }
  }

  /**
   * Types raw rows as observations, dropping rows with missing or invalid values.
   *
   * <p>A row is valid when it has a location, an ISO date, non-negative precipitation and wind,
   * {@code temp_min <= temp_max}, and a known weather summary.
   */
  @Step(slug = "weather.clean")
  public static Cleaned clean(List<Map<String, String>> rows) {
    List<Observation> observations = new ArrayList<>(rows.size());
    for (Map<String, String> row : rows) {
      Observation observation = parse(row);
      if (observation != null) {
        observations.add(observation);
      }
    }
    return new Cleaned(List.copyOf(observations), rows.size() - observations.size());
  }

  private static Observation parse(Map<String, String> row) {
    try {
      String location = row.get("location");
      String weather = row.get("weather");
      Observation observation = new Observation(location, LocalDate.parse(row.get("date")),
          Double.parseDouble(row.get("precipitation")), Double.parseDouble(row.get("temp_max")),
          Double.parseDouble(row.get("temp_min")), Double.parseDouble(row.get("wind")),
          weather == null ? null : weather.trim().toLowerCase(Locale.ROOT));
      boolean valid = location != null && !location.isBlank()
          && observation.precipitation() >= 0 && observation.wind() >= 0
          && observation.tempMin() <= observation.tempMax()
          && WEATHER.contains(observation.weather());
      return valid ? observation : null;
    } catch (NullPointerException | NumberFormatException | DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Splits observations into the two stations of the data set.
   *
   * @throws IllegalArgumentException if an observation is from another station
   */
  @Step(slug = "weather.split_by_location")
  public static Sites splitByLocation(List<Observation> observations) {
    Map<String, List<Observation>> byLocation = observations.stream()
        .collect(Collectors.groupingBy(Observation::location, TreeMap::new, Collectors.toList()));
    Set<String> unknown = new java.util.TreeSet<>(byLocation.keySet());
    unknown.removeAll(Set.of(SEATTLE, NEW_YORK));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unexpected locations " + unknown
          + "; this workflow compares Seattle and New York");
    }
    return new Sites(byLocation.getOrDefault(SEATTLE, List.of()),
        byLocation.getOrDefault(NEW_YORK, List.of()));
  }

  /** Summarises one station's observations per calendar year, in year order. */
  @Step(slug = "weather.yearly_summary")
  public static List<YearSummary> yearlySummary(List<Observation> observations) {
    Map<Integer, List<Observation>> byYear = observations.stream()
        .collect(Collectors.groupingBy(o -> o.date().getYear(), TreeMap::new, Collectors.toList()));
    List<YearSummary> summaries = new ArrayList<>();
    for (Map.Entry<Integer, List<Observation>> year : byYear.entrySet()) {
      List<Observation> days = year.getValue();
      Map<String, Integer> weatherDays = days.stream().collect(Collectors.groupingBy(
          Observation::weather, TreeMap::new, Collectors.summingInt(o -> 1)));
      summaries.add(new YearSummary(days.get(0).location(), year.getKey(), days.size(),
          days.stream().mapToDouble(Observation::tempMax).average().orElseThrow(),
          days.stream().mapToDouble(Observation::tempMin).average().orElseThrow(),
          days.stream().mapToDouble(Observation::precipitation).sum(), weatherDays));
    }
    return List.copyOf(summaries);
  }

  /**
   * Fits a least-squares line through one station's monthly maximum-temperature anomalies: each
   * month's mean daily maximum minus the mean of that calendar month over all years, which removes
   * the seasonal cycle so the slope shows the change from year to year.
   *
   * @throws IllegalArgumentException if fewer than two months are observed
   */
  @Step(slug = "weather.temperature_trend", splitRecord = false)
  public static Trend temperatureTrend(List<Observation> observations) {
    Map<YearMonth, double[]> months = new TreeMap<>();
    for (Observation o : observations) {
      double[] sumAndCount = months.computeIfAbsent(YearMonth.from(o.date()), m -> new double[2]);
      sumAndCount[0] += o.tempMax();
      sumAndCount[1]++;
    }
    if (months.size() < 2) {
      throw new IllegalArgumentException("a trend needs at least two months of data, got "
          + months.size());
    }
    Map<Integer, double[]> calendarMonths = new TreeMap<>();
    for (Map.Entry<YearMonth, double[]> month : months.entrySet()) {
      double[] sumAndCount = calendarMonths.computeIfAbsent(
          month.getKey().getMonthValue(), m -> new double[2]);
      sumAndCount[0] += month.getValue()[0] / month.getValue()[1];
      sumAndCount[1]++;
    }
    double[] x = new double[months.size()];
    double[] y = new double[months.size()];
    int i = 0;
    for (Map.Entry<YearMonth, double[]> month : months.entrySet()) {
      double[] climate = calendarMonths.get(month.getKey().getMonthValue());
      x[i] = month.getKey().getYear() - 2000 + (month.getKey().getMonthValue() - 0.5) / 12.0;
      y[i] = month.getValue()[0] / month.getValue()[1] - climate[0] / climate[1];
      i++;
    }
    LeastSquares fit = LeastSquares.fit(x, y);
    return new Trend(observations.get(0).location(), x.length, fit.slope() * 10,
        fit.intercept(), fit.rSquared());
  }

  /**
   * Writes a Markdown report comparing the two stations.
   *
   * @throws IOException if the report cannot be written
   */
  @Step(slug = "weather.report")
  public static Report report(List<YearSummary> seattle, Trend seattleTrend,
      List<YearSummary> newYork, Trend newYorkTrend, Path output) throws IOException {
    StringBuilder text = new StringBuilder();
    text.append("# Weather report: Seattle and New York\n\n");
    text.append("| location | year | days | mean max °C | mean min °C | precipitation mm "
        + "| sunny days | rainy days |\n");
    text.append("|---|---|---|---|---|---|---|---|\n");
    List<YearSummary> all = new ArrayList<>(seattle);
    all.addAll(newYork);
    for (YearSummary year : all) {
      text.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %.1f | %d | %d |%n",
          year.location(), year.year(), year.days(), year.meanTempMax(), year.meanTempMin(),
          year.totalPrecipitation(), year.weatherDays().getOrDefault("sun", 0),
          year.weatherDays().getOrDefault("rain", 0)));
    }
    text.append("\n## Trend of monthly maximum-temperature anomalies (least squares, seasonal "
        + "cycle removed)\n\n");
    for (Trend trend : List.of(seattleTrend, newYorkTrend)) {
      text.append(String.format(Locale.ROOT,
          "- %s: %+.2f °C per decade over %d months (R² = %.3f)%n", trend.location(),
          trend.slopePerDecade(), trend.months(), trend.rSquared()));
    }
    String markdown = text.toString();
    Path parent = output.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(output, markdown, StandardCharsets.UTF_8);
    return new Report(markdown, output);
  }
}
