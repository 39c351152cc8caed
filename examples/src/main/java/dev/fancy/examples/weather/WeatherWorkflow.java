package dev.fancy.examples.weather;

import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;

/**
 * Wires the weather workflow from the generated factories in {@link WeatherAnalysisSteps}:
 *
 * <pre>
 * csv ─ load_csv ─ clean ─ split_by_location ─┬─ yearly_summary (Seattle) ──────┐
 *                                             ├─ temperature_trend (Seattle) ───┤
 *                                             ├─ yearly_summary (New York) ─────┼─ report
 *                                             └─ temperature_trend (New York) ──┘
 * </pre>
 *
 * The four per-station steps are independent, so the engine runs them in parallel.
 */
public final class WeatherWorkflow {

  /** The CSV file to read (a {@code Path}). */
  public final Cell<Path> csv = Cell.input("csv", Path.class);
  /** Where to write the report (a {@code Path}). */
  public final Cell<Path> reportFile = Cell.input("reportFile", Path.class);

  /** The cleaning step: typed observations and the number of dropped rows. */
  public final WeatherAnalysisSteps.CleanStep clean;
  /** The per-station yearly summaries. */
  public final WeatherAnalysisSteps.YearlySummaryStep seattleYears;
  /** The per-station yearly summaries. */
  public final WeatherAnalysisSteps.YearlySummaryStep newYorkYears;
  /** The per-station trends. */
  public final WeatherAnalysisSteps.TemperatureTrendStep seattleTrend;
  /** The per-station trends. */
  public final WeatherAnalysisSteps.TemperatureTrendStep newYorkTrend;
  /** The report step. */
  public final WeatherAnalysisSteps.ReportStep report;
  /** The workflow, named {@code weather-report}. */
  public final Workflow workflow;

  /** Wires the workflow; nothing runs. */
  public WeatherWorkflow() {
    WeatherAnalysisSteps.LoadCsvStep load = WeatherAnalysisSteps.loadCsv(csv);
    clean = WeatherAnalysisSteps.clean(load.out());
    WeatherAnalysisSteps.SplitByLocationStep sites =
        WeatherAnalysisSteps.splitByLocation(clean.observations());
    seattleYears = WeatherAnalysisSteps.yearlySummary(sites.seattle());
    newYorkYears = WeatherAnalysisSteps.yearlySummary(sites.newYork());
    seattleTrend = WeatherAnalysisSteps.temperatureTrend(sites.seattle());
    newYorkTrend = WeatherAnalysisSteps.temperatureTrend(sites.newYork());
    report = WeatherAnalysisSteps.report(seattleYears.out(), seattleTrend.out(),
        newYorkYears.out(), newYorkTrend.out(), reportFile);
    workflow = Workflow.of("weather-report", report.markdown(), report.file(), clean.dropped());
  }
}
