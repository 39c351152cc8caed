package dev.fancy.examples.weather;

import dev.fancy.registry.StepRegistry;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.FlowStep;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The weather data through the execution semantics: a map over years (one child run per year,
 * bounded concurrency) whose summary step retries, times out and is validated, a conditional
 * branch choosing the note, and (when run) a usage budget.
 *
 * <pre>
 * csv ─ load_csv ─ clean ─ split_by_location ─ years ─ map(years){ summarize_year ⟵ validator }
 *                                                        └─ warmed ─ if(true: warming_note,
 *                                                                       false: steady_note)
 * </pre>
 */
public final class ResilientWeatherWorkflow {

  /** Name of the output validator the summary step uses; register it with {@link #register}. */
  public static final String FULL_YEAR = "weather.full_year";

  /** The CSV file to read. */
  public final Cell<Path> csv = Cell.input("csv", Path.class);
  /** The map over years. */
  public final FlowStep perYear;
  /** The per-year summaries, in year order. */
  public final Cell<List<YearSummary>> summaries;
  /** The note of the branch that ran. */
  public final Cell<String> note;
  /** The conditional step. */
  public final FlowStep branch;
  /** The workflow, named {@code resilient-weather}. */
  public final Workflow workflow;

  /** Wires the workflow for the Seattle station; nothing runs. */
  public ResilientWeatherWorkflow() {
    var clean = WeatherAnalysisSteps.clean(WeatherAnalysisSteps.loadCsv(csv).out());
    Cell<List<Observation>> seattle =
        WeatherAnalysisSteps.splitByLocation(clean.observations()).seattle();
    Cell<List<Integer>> years = YearlyAnalysisSteps.years(seattle).out();

    Cell<List<Observation>> observations = Cell.input("observations",
        ValueType.of(List.class, "java.util.List<" + Observation.class.getName() + ">"));
    Cell<Integer> year = Cell.input("year", Integer.class);
    YearlyAnalysisSteps.SummarizeYearStep summarize =
        YearlyAnalysisSteps.summarizeYear(observations, year);
    summarize.options(StepOptions.DEFAULT.withValidator(FULL_YEAR));
    Workflow body = Workflow.of("summarize-one-year", summarize.out());
    perYear = Flow.map(years, body, "year", Map.of("observations", seattle), 2);
    summaries = perYear.results(summarize.out());

    Cell<List<YearSummary>> list = Cell.input("years",
        ValueType.of(List.class, "java.util.List<" + YearSummary.class.getName() + ">"));
    Workflow warming = Workflow.of("warming", YearlyAnalysisSteps.warmingNote(list).out());
    Workflow steady = Workflow.of("steady", YearlyAnalysisSteps.steadyNote(list).out());
    branch = Flow.conditional(YearlyAnalysisSteps.warmed(summaries).out(),
        Map.of("true", warming, "false", steady), Map.of("years", summaries));
    @SuppressWarnings("unchecked")
    Cell<String> chosen = branch.output((Cell<String>) warming.outputs().get(0));
    note = chosen;
    workflow = Workflow.of("resilient-weather", summaries, note);
  }

  /**
   * Registers the output validator the summary step names: a summary must cover a full year
   * (at least 365 days).
   */
  public static StepRegistry register(StepRegistry registry) {
    return registry.registerValidator(FULL_YEAR, outputs -> {
      YearSummary summary = (YearSummary) outputs[0];
      return summary.days() >= 365 ? null
          : summary.year() + " has only " + summary.days() + " days of data";
    });
  }
}
