package dev.fancy.examples.weather;

import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The remaining control-flow constructs on the weather data: both stations are analysed in a
 * parallel group; each branch is a sub-workflow that removes outliers in a bounded loop, fits the
 * temperature trend, and routes to the analyses its weather calls for.
 *
 * <pre>
 * csv ─ load ─ clean ─ split ─ parallel{ sub-workflow seattle(station)
 *                                        sub-workflow new-york(station) }
 * station = loop(drop_outliers while droppedAny, ≤ 20) ─┬─ temperature_trend ─┐
 *                                                       └─ pick_analyses ─ route{ RAIN, SUN } ─┴─ station_report
 * </pre>
 */
public final class FlowTour {

  /** The CSV file to read. */
  public final Cell<Path> csv = Cell.input("csv", Path.class);
  /** Seattle's report. */
  public final Cell<StationReport> seattle;
  /** New York's report. */
  public final Cell<StationReport> newYork;
  /** The workflow, named {@code flow-tour}. */
  public final Workflow workflow;

  /** Wires the tour; nothing runs. */
  public FlowTour() {
    var clean = WeatherAnalysisSteps.clean(WeatherAnalysisSteps.loadCsv(csv).out());
    var sites = WeatherAnalysisSteps.splitByLocation(clean.observations());
    Flow.Pair<StationReport, StationReport> stations = Flow.parallel(2,
        () -> Flow.subWorkflow("seattle", sites.seattle(), FlowTour::station),
        () -> Flow.subWorkflow("new-york", sites.newYork(), FlowTour::station));
    seattle = stations.first();
    newYork = stations.second();
    workflow = Workflow.of("flow-tour", seattle, newYork);
  }

  /** One station: outlier loop, then the trend and the routed analyses. */
  static Cell<StationReport> station(Cell<List<Observation>> observations) {
    Cell<List<Observation>> kept = Flow.loop(observations, 20, current -> {
      var pass = TourAnalysisSteps.dropOutliers(current);
      return Flow.next(pass.kept(), pass.droppedAny());
    });
    Cell<Map<Analysis, String>> analyses =
        Flow.route(TourAnalysisSteps.pickAnalyses(kept).out())
            .when(Analysis.RAIN, () -> TourAnalysisSteps.rainStats(kept).out())
            .when(Analysis.SUN, () -> TourAnalysisSteps.sunStats(kept).out())
            .end();
    return TourAnalysisSteps.stationReport(
        WeatherAnalysisSteps.temperatureTrend(kept).out(), analyses).out();
  }
}
