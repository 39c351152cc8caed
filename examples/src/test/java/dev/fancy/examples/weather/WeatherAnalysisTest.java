package dev.fancy.examples.weather;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.junit.jupiter.api.Test;

/** The steps as plain methods, on inputs whose right answers are known independently. */
class WeatherAnalysisTest {

  private static Map<String, String> row(String location, String date, String precipitation,
      String max, String min, String wind, String weather) {
    java.util.HashMap<String, String> row = new java.util.HashMap<>();
    row.put("location", location);
    row.put("date", date);
    row.put("precipitation", precipitation);
    row.put("temp_max", max);
    row.put("temp_min", min);
    row.put("wind", wind);
    row.put("weather", weather);
    return row;
  }

  @Test
  void cleanTypesValidRowsAndDropsInvalidOnes() {
    Cleaned cleaned = WeatherAnalysis.clean(List.of(
        row("Seattle", "2012-01-01", "0.0", "12.8", "5.0", "4.7", "Drizzle"),
        row("Seattle", "2012-13-01", "0.0", "12.8", "5.0", "4.7", "rain"),
        row("Seattle", "2012-01-02", "-1", "12.8", "5.0", "4.7", "rain"),
        row("Seattle", "2012-01-03", "0.0", "1.0", "5.0", "4.7", "rain"),
        row("Seattle", "2012-01-04", "0.0", "12.8", "5.0", "4.7", "hail"),
        row("", "2012-01-05", "0.0", "12.8", "5.0", "4.7", "sun"),
        row("Seattle", "2012-01-06", "n/a", "12.8", "5.0", "4.7", "sun"),
        row("Seattle", null, "0.0", "12.8", "5.0", "4.7", "sun")));
    assertThat(cleaned.dropped()).isEqualTo(7);
    assertThat(cleaned.observations()).containsExactly(new Observation("Seattle",
        LocalDate.of(2012, 1, 1), 0.0, 12.8, 5.0, 4.7, "drizzle"));
  }

  @Test
  void splitRejectsUnknownLocations() {
    Observation boston = new Observation("Boston", LocalDate.of(2012, 1, 1), 0, 1, 0, 1, "sun");
    assertThatThrownBy(() -> WeatherAnalysis.splitByLocation(List.of(boston)))
        .hasMessage("unexpected locations [Boston]; this workflow compares Seattle and New York");
  }

  @Test
  void trendRecoversAKnownWarmingUnderASeasonalCycle() {
    List<Observation> days = new ArrayList<>();
    Random noise = new Random(42);
    for (LocalDate d = LocalDate.of(2010, 1, 1); d.isBefore(LocalDate.of(2020, 1, 1));
        d = d.plusDays(1)) {
      double years = d.getYear() - 2000 + (d.getDayOfYear() - 0.5) / d.lengthOfYear();
      double seasonal = 8 * Math.sin(2 * Math.PI * (d.getDayOfYear() / 365.25 - 0.3));
      double tempMax = 15 + 0.3 * years + seasonal + noise.nextGaussian() * 0.5;
      days.add(new Observation("Test", d, 0, tempMax, tempMax - 8, 1, "sun"));
    }
    Trend trend = WeatherAnalysis.temperatureTrend(days);
    assertThat(trend.months()).isEqualTo(120);
    assertThat(trend.slopePerDecade()).isCloseTo(3.0, within(0.1));
    assertThat(trend.rSquared()).isGreaterThan(0.9);
  }

  @Test
  void leastSquaresAgreesWithCommonsMath() {
    Random random = new Random(7);
    double[] x = new double[200];
    double[] y = new double[200];
    SimpleRegression reference = new SimpleRegression();
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextDouble() * 50;
      y[i] = -3 + 0.7 * x[i] + random.nextGaussian() * 4;
      reference.addData(x[i], y[i]);
    }
    LeastSquares fit = LeastSquares.fit(x, y);
    assertThat(fit.slope()).isCloseTo(reference.getSlope(), within(1e-9));
    assertThat(fit.intercept()).isCloseTo(reference.getIntercept(), within(1e-9));
    assertThat(fit.rSquared()).isCloseTo(reference.getRSquare(), within(1e-9));
    assertThatThrownBy(() -> LeastSquares.fit(new double[] {1, 1}, new double[] {2, 3}))
        .hasMessageContaining("all x values are equal");
  }
}
