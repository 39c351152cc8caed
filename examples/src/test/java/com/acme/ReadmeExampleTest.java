package com.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.engine.Engine;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.workflow.Arg;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wiring shown in README.md, verbatim where it can be. */
class ReadmeExampleTest {

  @TempDir
  Path temp;

  @Test
  void readmeWorkflowRuns() throws IOException {
    Path csv = Files.writeString(temp.resolve("data.csv"),
        "city,value\nSeattle,1\nSeattle,2\nBoston,3\nBoston,4\nBoston,5\n");

    Cell<Path> file = Cell.input("file", Path.class);
    EtlSteps.LoadCsvStep load = EtlSteps.loadCsv(file);
    EtlSteps.SplitStep split = EtlSteps.split(load.out(), Arg.value(0.8));
    EtlSteps.MeanStep mean = EtlSteps.mean(split.test());
    Workflow workflow = Workflow.of("etl", mean);

    try (Engine engine = Engine.inMemory()) {
      RunResult result = engine.run(workflow, Inputs.of(file, csv));
      assertThat(result.historyTable()).contains("etl.load_csv", "etl.split", "etl.mean");
      double testMean = result.requireSucceeded().get(mean.out());
      assertThat(testMean).isEqualTo(5.0);
      assertThat(result.get(split.train())).hasSize(4);

      String json = workflow.toJson();
      Workflow again = Workflow.fromJson(json);
      assertThat(again).isEqualTo(workflow);
      assertThat(engine.run(again, Inputs.of(file, csv)).get(mean.out())).isEqualTo(5.0);
    }
  }
}
