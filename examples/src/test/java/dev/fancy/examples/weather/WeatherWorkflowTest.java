package dev.fancy.examples.weather;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.engine.Engine;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.store.FileDatumStore;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.StorageKind;
import dev.fancy.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example end to end on the real data set: processor, ServiceLoader, engine, JSON. */
class WeatherWorkflowTest {

  private static final Path DATA = Path.of("data", "weather.csv");

  @TempDir
  Path temp;

  private Engine engine;
  private final WeatherWorkflow weather = new WeatherWorkflow();

  @BeforeEach
  void setUp() {
    engine = Engine.builder().referenceStore(new FileDatumStore(temp.resolve("values"))).build();
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  private RunResult run(Workflow workflow, Path csv) {
    return engine.run(workflow,
        Inputs.of(weather.csv, csv).and(weather.reportFile, temp.resolve("report.md")));
  }

  @Test
  void generatedModuleIsFoundThroughServiceLoader() {
    assertThat(StepRegistry.loadDefault().definitions()).extracting(StepDefinition::slug)
        .contains("weather.load_csv", "weather.clean", "weather.split_by_location",
            "weather.yearly_summary", "weather.temperature_trend", "weather.report");
    assertThat(StepRegistry.loadDefault().find("weather.clean", 1)).get()
        .extracting(StepDefinition::description)
        .isEqualTo("Types raw rows as observations, dropping rows with missing or invalid values.");
  }

  @Test
  void anUnregisteredModuleIsExplainedOnceNotOncePerStep() {
    try (Engine bare = Engine.builder().registry(StepRegistry.empty()).build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> bare.validate(weather.workflow,
              Inputs.of(weather.csv, DATA).and(weather.reportFile, temp.resolve("r.md"))))
          .isInstanceOf(dev.fancy.workflow.WorkflowValidationException.class)
          .satisfies(e -> {
            String message = e.getMessage();
            String hint = "dev.fancy.examples.weather.WeatherAnalysisStepModule is listed for "
                + "ServiceLoader by fancy-processor";
            assertThat(message.split(java.util.regex.Pattern.quote(hint), -1)).hasSize(2);
            assertThat(message).contains("'provides dev.fancy.registry.StepModule with "
                + "dev.fancy.examples.weather.WeatherAnalysisStepModule;'");
            assertThat(message).contains("its module dev.fancy.examples.weather."
                + "WeatherAnalysisStepModule is not registered either (see above)");
          });
    }
  }

  @Test
  void runsOnTheRealDataSet() throws IOException {
    RunResult result = run(weather.workflow, DATA);

    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(result.history()).hasSize(8).extracting(StepRecord::status)
        .containsOnly(StepStatus.SUCCEEDED);
    List<String> lines;
    try (Stream<String> stream = Files.lines(DATA)) {
      lines = stream.skip(1).toList();
    }
    long seattleRows = lines.stream().filter(l -> l.startsWith("Seattle,")).count();
    long newYorkRows = lines.stream().filter(l -> l.startsWith("New York,")).count();
    assertThat(result.get(weather.clean.dropped())).isZero();
    List<YearSummary> seattle = result.get(weather.seattleYears.out());
    List<YearSummary> newYork = result.get(weather.newYorkYears.out());
    assertThat(seattle).extracting(YearSummary::year).containsExactly(2012, 2013, 2014, 2015);
    assertThat(seattle.stream().mapToInt(YearSummary::days).sum()).isEqualTo(seattleRows);
    assertThat(newYork.stream().mapToInt(YearSummary::days).sum()).isEqualTo(newYorkRows);
    assertThat(seattle.get(0).days()).isEqualTo(366);
    assertThat(result.get(weather.seattleTrend.out()).months()).isEqualTo(48);

    String markdown = result.get(weather.report.markdown());
    assertThat(result.get(weather.report.file())).isEqualTo(temp.resolve("report.md"));
    assertThat(Files.readString(temp.resolve("report.md"))).isEqualTo(markdown);
    assertThat(markdown).contains("| Seattle | 2012 | 366 |", "| New York | 2015 | 365 |",
        "- Seattle: ", "per decade over 48 months");
  }

  @Test
  void cleanedObservationsAreAReferenceCellInTheFileStore() {
    RunResult result = run(weather.workflow, DATA);
    Cell<List<Observation>> observations = weather.clean.observations();
    assertThat(observations.kind()).isEqualTo(StorageKind.REFERENCE);
    assertThat(Path.of(result.location(observations))).exists()
        .startsWith(temp.resolve("values"));
    assertThat(result.get(observations)).hasSize(2922);
  }

  @Test
  void theWorkflowRoundTripsThroughJsonAndRunsFromIt() {
    String json = weather.workflow.toJson();
    Workflow fromJson = Workflow.fromJson(json);
    assertThat(fromJson).isEqualTo(weather.workflow);

    RunResult direct = run(weather.workflow, DATA);
    RunResult viaJson = run(fromJson, DATA);
    // The workflow read back has the same cell IDs, so the typed cells read its run too.
    assertThat(viaJson.get(weather.report.markdown()))
        .isEqualTo(direct.get(weather.report.markdown()));
  }

  @Test
  void aMissingFileFailsTheLoadStepAndSkipsTheRest() {
    RunResult result = run(weather.workflow, temp.resolve("missing.csv"));
    assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    assertThat(result.history().get(0).error().type()).isEqualTo("java.nio.file.NoSuchFileException");
    assertThat(result.history().subList(1, 8)).extracting(StepRecord::status)
        .containsOnly(StepStatus.SKIPPED);
    assertThat(temp.resolve("report.md")).doesNotExist();
  }
}
