package dev.fancy.examples.weather;

import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.FlowStep;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The remaining control-flow constructs on the weather data: both stations are analysed in a
 * parallel group; each branch is a sub-workflow that removes outliers in a bounded loop, fits the
 * temperature trend, and routes to the analyses its weather calls for.
 *
 * <pre>
 * csv ─ load ─ clean ─ split ─ parallel{ seattle:  sub-workflow(station)
 *                                        newYork:  sub-workflow(station) }
 * station = loop(drop_outliers while droppedAny, ≤ 20) ─┬─ temperature_trend
 *                                                       └─ pick_analyses ─ router{ rain, sun }
 * </pre>
 */
public final class FlowTour {

  static final ValueType<List<Observation>> OBSERVATIONS =
      ValueType.of(List.class, "java.util.List<" + Observation.class.getName() + ">");

  /** The CSV file to read. */
  public final Cell<Path> csv = Cell.input("csv", Path.class);
  /** The parallel group over the two stations. */
  public final FlowStep stations;
  /** Seattle's trend after outlier removal. */
  public final Cell<Trend> seattleTrend;
  /** Seattle's routed analyses: analysis name to text. */
  public final Cell<Map<String, Object>> seattleAnalyses;
  /** New York's trend after outlier removal. */
  public final Cell<Trend> newYorkTrend;
  /** New York's routed analyses. */
  public final Cell<Map<String, Object>> newYorkAnalyses;
  /** The workflow, named {@code flow-tour}. */
  public final Workflow workflow;

  /** Wires the tour; nothing runs. */
  @SuppressWarnings("unchecked")
  public FlowTour() {
    var clean = WeatherAnalysisSteps.clean(WeatherAnalysisSteps.loadCsv(csv).out());
    var sites = WeatherAnalysisSteps.splitByLocation(clean.observations());

    Workflow seattle = subWorkflowBranch("seattle");
    Workflow newYork = subWorkflowBranch("newYork");
    Map<String, Workflow> branches = new LinkedHashMap<>();
    branches.put("seattle", seattle);
    branches.put("newYork", newYork);
    stations = Flow.parallel(branches,
        Map.of("seattle", sites.seattle(), "newYork", sites.newYork()), 2);
    seattleTrend = stations.output((Cell<Trend>) seattle.outputs().get(0));
    seattleAnalyses = stations.output((Cell<Map<String, Object>>) seattle.outputs().get(1));
    newYorkTrend = stations.output((Cell<Trend>) newYork.outputs().get(0));
    newYorkAnalyses = stations.output((Cell<Map<String, Object>>) newYork.outputs().get(1));
    workflow = Workflow.of("flow-tour", seattleTrend, seattleAnalyses, newYorkTrend,
        newYorkAnalyses);
  }

  /** A parallel branch: the station analysis as a sub-workflow, fed from input {@code alias}. */
  @SuppressWarnings("unchecked")
  private static Workflow subWorkflowBranch(String alias) {
    Workflow station = station();
    FlowStep sub = Flow.subWorkflow(station, Map.of("observations", Cell.input(alias,
        OBSERVATIONS)));
    return Workflow.of(alias, sub.output((Cell<Trend>) station.outputs().get(0)),
        sub.output((Cell<Map<String, Object>>) station.outputs().get(1)));
  }

  /** One station: outlier loop, then trend and routed analyses. */
  static Workflow station() {
    Cell<List<Observation>> observations = Cell.input("observations", OBSERVATIONS);
    var pass = TourAnalysisSteps.dropOutliers(observations);
    Workflow body = Workflow.of("outlier-pass", pass.kept(), pass.droppedAny());
    FlowStep loop = Flow.loop(body, pass.droppedAny(), Map.of("observations", pass.kept()), 20,
        Map.of("observations", Cell.input("observations", OBSERVATIONS)));
    Cell<List<Observation>> kept = loop.output(pass.kept());

    Map<String, Workflow> analyses = new LinkedHashMap<>();
    analyses.put("rain", Workflow.of("rain",
        TourAnalysisSteps.rainStats(Cell.input("observations", OBSERVATIONS)).out()));
    analyses.put("sun", Workflow.of("sun",
        TourAnalysisSteps.sunStats(Cell.input("observations", OBSERVATIONS)).out()));
    FlowStep router = Flow.router(TourAnalysisSteps.pickAnalyses(kept).out(), analyses,
        Map.of("observations", kept));
    return Workflow.of("station", WeatherAnalysisSteps.temperatureTrend(kept).out(),
        router.results());
  }
}
