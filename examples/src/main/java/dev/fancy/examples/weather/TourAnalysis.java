package dev.fancy.examples.weather;

import dev.fancy.annotations.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Steps of the control-flow tour: outlier removal, choosing analyses, two analyses. */
public final class TourAnalysis {

  private TourAnalysis() {}

  /**
   * Drops days whose maximum temperature is more than three standard deviations from the mean;
   * repeated until a pass drops nothing, since the mean and deviation shift after each pass.
   */
  @Step(slug = "tour.drop_outliers")
  public static OutlierPass dropOutliers(List<Observation> observations) {
    double mean = observations.stream().mapToDouble(Observation::tempMax).average().orElse(0);
    double variance = observations.stream()
        .mapToDouble(o -> (o.tempMax() - mean) * (o.tempMax() - mean)).average().orElse(0);
    double limit = 3 * Math.sqrt(variance);
    List<Observation> kept = new ArrayList<>();
    for (Observation o : observations) {
      if (Math.abs(o.tempMax() - mean) <= limit) {
        kept.add(o);
      }
    }
    return new OutlierPass(List.copyOf(kept), kept.size() < observations.size());
  }

  /**
   * Chooses the analyses worth running for a station: {@link Analysis#RAIN} if at least a third of
   * its days were rainy, {@link Analysis#SUN} if at least a third were sunny (both, one or none).
   */
  @Step(slug = "tour.pick_analyses")
  public static List<Analysis> pickAnalyses(List<Observation> observations) {
    long rainy = observations.stream().filter(o -> o.weather().equals("rain")).count();
    long sunny = observations.stream().filter(o -> o.weather().equals("sun")).count();
    List<Analysis> picked = new ArrayList<>();
    if (rainy * 3 >= observations.size()) {
      picked.add(Analysis.RAIN);
    }
    if (sunny * 3 >= observations.size()) {
      picked.add(Analysis.SUN);
    }
    return picked;
  }

  /** Mean precipitation on rainy days, in millimetres. */
  @Step(slug = "tour.rain_stats")
  public static String rainStats(List<Observation> observations) {
    double mean = observations.stream().filter(o -> o.weather().equals("rain"))
        .mapToDouble(Observation::precipitation).average().orElse(0);
    return String.format(Locale.ROOT, "mean rain on rainy days %.2f mm", mean);
  }

  /** Mean maximum temperature on sunny days, in °C. */
  @Step(slug = "tour.sun_stats")
  public static String sunStats(List<Observation> observations) {
    double mean = observations.stream().filter(o -> o.weather().equals("sun"))
        .mapToDouble(Observation::tempMax).average().orElse(0);
    return String.format(Locale.ROOT, "mean maximum on sunny days %.2f °C", mean);
  }

  /** A station's report: its trend and analyses. */
  @Step(slug = "tour.station_report", splitRecord = false)
  public static StationReport stationReport(Trend trend, Map<Analysis, String> analyses) {
    return new StationReport(trend, analyses);
  }
}
