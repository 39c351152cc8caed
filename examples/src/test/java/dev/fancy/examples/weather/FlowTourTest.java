package dev.fancy.examples.weather;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.engine.Engine;
import dev.fancy.run.ChildRun;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Parallel group, nested sub-workflows, a bounded loop and routers on the real data. */
class FlowTourTest {

  private static final Path DATA = Path.of("data", "weather.csv");

  private final FlowTour tour = new FlowTour();

  /** Which analyses a station's raw rows call for, counted straight from the CSV text. */
  private static List<Analysis> expectedAnalyses(String station) throws IOException {
    List<String[]> rows;
    try (Stream<String> lines = Files.lines(DATA)) {
      rows = lines.filter(l -> l.startsWith(station + ",")).map(l -> l.split(",")).toList();
    }
    long rainy = rows.stream().filter(r -> r[6].equals("rain")).count();
    long sunny = rows.stream().filter(r -> r[6].equals("sun")).count();
    return Stream.of(rainy * 3 >= rows.size() ? Analysis.RAIN : null,
        sunny * 3 >= rows.size() ? Analysis.SUN : null).filter(a -> a != null).toList();
  }

  @Test
  void runsBothStationsInParallelThroughNestedFlows() throws IOException {
    Workflow workflow = Workflow.fromJson(tour.workflow.toJson());
    assertThat(workflow).isEqualTo(tour.workflow);
    try (Engine engine = Engine.inMemory()) {
      RunResult result = engine.run(workflow, Inputs.of(tour.csv, DATA));

      assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
      StationReport seattle = result.get(tour.seattle);
      StationReport newYork = result.get(tour.newYork);
      assertThat(seattle.analyses().keySet())
          .containsExactlyInAnyOrderElementsOf(expectedAnalyses("Seattle"));
      assertThat(newYork.analyses().keySet())
          .containsExactlyInAnyOrderElementsOf(expectedAnalyses("New York"));
      assertThat(seattle.trend().location()).isEqualTo("Seattle");
      assertThat(newYork.trend().location()).isEqualTo("New York");

      StepRecord parallel = result.step(tour.seattle.producer());
      assertThat(tour.newYork.producer()).isSameAs(tour.seattle.producer());
      assertThat(parallel.children()).extracting(ChildRun::label)
          .containsExactly("branch branch0", "branch branch1");
      StepRecord sub = parallel.children().get(0).steps().get(0);
      assertThat(sub.slug()).isEqualTo("fancy.flow.subworkflow");
      StepRecord loop = sub.children().get(0).steps().get(0);
      assertThat(loop.slug()).isEqualTo("fancy.flow.loop");
      assertThat(loop.children()).isNotEmpty().allSatisfy(
          iteration -> assertThat(iteration.status()).isEqualTo(RunStatus.SUCCEEDED));
    }
  }
}
