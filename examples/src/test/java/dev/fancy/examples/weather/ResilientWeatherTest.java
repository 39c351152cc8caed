package dev.fancy.examples.weather;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fancy.engine.Engine;
import dev.fancy.frame.UsageLimits;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.ChildRun;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.workflow.Workflow;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The semantics example on the real data: map, validator, retries, conditional, budget. */
class ResilientWeatherTest {

  private static final Path DATA = Path.of("data", "weather.csv");

  @TempDir
  Path temp;

  private final ResilientWeatherWorkflow weather = new ResilientWeatherWorkflow();

  private RunResult run(Path csv, String budget) {
    try (Engine engine = Engine.inMemory()) {
      return engine.run(weather.workflow, Inputs.of(weather.csv, csv), RunOptions.builder()
          .limits(UsageLimits.maxCost(new BigDecimal(budget), "USD")).build());
    }
  }

  private static long seattleRows() throws IOException {
    try (Stream<String> lines = Files.lines(DATA)) {
      return lines.filter(l -> l.startsWith("Seattle,")).count();
    }
  }

  @Test
  void summarisesEveryYearUnderBudgetAndTakesOneBranch() throws IOException {
    RunResult result = run(DATA, "1.00");

    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    List<YearSummary> years = result.get(weather.summaries);
    assertThat(years).extracting(YearSummary::year).containsExactly(2012, 2013, 2014, 2015);
    assertThat(result.usage().counter("rows")).isEqualTo(seattleRows());
    assertThat(result.usage().cost()).isEqualByComparingTo(
        YearlyAnalysis.COST_PER_ROW.multiply(BigDecimal.valueOf(seattleRows())));
    StepRecord map = result.step(weather.summaries.producer());
    assertThat(map.children()).extracting(ChildRun::label)
        .containsExactly("element 0", "element 1", "element 2", "element 3");
    boolean warmed = years.get(3).meanTempMax() > years.get(0).meanTempMax();
    assertThat(result.get(weather.note)).startsWith(warmed ? "Seattle warmed" : "Seattle did not");
    assertThat(result.step(weather.note.producer()).children()).extracting(ChildRun::label, ChildRun::status)
        .contains(org.assertj.core.groups.Tuple.tuple("branch " + !warmed, null));
  }

  @Test
  void aSmallBudgetStopsTheRun() {
    UsageLimitExceededException e = catchThrowableOfType(UsageLimitExceededException.class,
        () -> run(DATA, "0.05"));
    assertThat(e.result().status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(e.total().cost()).isGreaterThan(new BigDecimal("0.05"));
    assertThat(e).hasMessageContaining("exceeds the limit 0.05 USD");
  }

  @Test
  void aPartialYearFailsValidationAfterEveryRetry() throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<String> all = Files.lines(DATA)) {
      all.forEach(lines::add);
    }
    List<String> partial = new ArrayList<>();
    partial.add(lines.get(0));
    lines.stream().filter(l -> l.startsWith("Seattle,2012-")).forEach(partial::add);
    lines.stream().filter(l -> l.startsWith("Seattle,2013-01-")).limit(10).forEach(partial::add);
    Path csv = Files.write(temp.resolve("partial.csv"), partial);

    RunResult result = run(csv, "1.00");

    assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    StepRecord map = result.step(weather.summaries.producer());
    assertThat(map.error().message()).contains("1 of 2 elements of map step failed: 1: ",
        "validation failed after 3 attempts: validator '" + FullYear.class.getName()
            + "' of output 'out': 2013 has only 10 "
            + "days of data");
    StepRecord summary = map.children().get(1).steps().get(0);
    assertThat(summary.attempts()).extracting(AttemptRecord::status)
        .containsOnly(AttemptStatus.VALIDATION_FAILED).hasSize(3);
  }

  @Test
  void theWorkflowRoundTripsThroughJson() {
    assertThat(Workflow.fromJson(weather.workflow.toJson())).isEqualTo(weather.workflow);
  }
}
