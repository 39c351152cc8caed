package dev.fancy.examples.weather;

import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.util.List;

/**
 * The weather data through the execution semantics: a map over years (one child run per year,
 * bounded concurrency) whose summary step retries, times out and is validated, a conditional
 * choosing the note, and (when run) a usage budget.
 *
 * <pre>
 * csv ─ load_csv ─ clean ─ split_by_location ─ years ─ map(years){ summarize_year ⟵ FullYear }
 *                                                        └─ warmed ─ if(warming_note,
 *                                                                       else steady_note)
 * </pre>
 */
public final class ResilientWeatherWorkflow {

  /** The CSV file to read. */
  public final Cell<Path> csv = Cell.input("csv", Path.class);
  /** The per-year summaries, in year order. */
  public final Cell<List<YearSummary>> summaries;
  /** The note of the branch that ran. */
  public final Cell<String> note;
  /** The workflow, named {@code resilient-weather}. */
  public final Workflow workflow;

  /** Wires the workflow for the Seattle station; nothing runs. */
  public ResilientWeatherWorkflow() {
    var clean = WeatherAnalysisSteps.clean(WeatherAnalysisSteps.loadCsv(csv).out());
    Cell<List<Observation>> seattle =
        WeatherAnalysisSteps.splitByLocation(clean.observations()).seattle();
    Cell<List<Integer>> years = YearlyAnalysisSteps.years(seattle).out();

    summaries = Flow.map(years, 2, year -> {
      var summarize = YearlyAnalysisSteps.summarizeYear(seattle, year);
      summarize.validate(summarize.out(), new FullYear());
      return summarize.out();
    });
    note = Flow.ifElse(YearlyAnalysisSteps.warmed(summaries).out(),
        () -> YearlyAnalysisSteps.warmingNote(summaries).out(),
        () -> YearlyAnalysisSteps.steadyNote(summaries).out());
    workflow = Workflow.of("resilient-weather", summaries, note);
  }
}
