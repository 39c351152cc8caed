package com.acme;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Engine;
import dev.fancy.engine.Journal;
import dev.fancy.frame.UsageLimits;
import dev.fancy.run.EventSubscription;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunPage;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.workflow.Arg;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

  @Test
  void readmeDurableRunAndContractSnippetsWork() throws IOException {
    Path csv = Files.writeString(temp.resolve("data.csv"),
        "city,value\nSeattle,1\nSeattle,2\nBoston,3\nBoston,4\nBoston,5\n");
    Cell<Path> file = Cell.input("file", Path.class);
    EtlSteps.MeanStep mean = EtlSteps.mean(EtlSteps.split(EtlSteps.loadCsv(file).out(),
        Arg.value(0.8)).test());
    Workflow workflow = Workflow.of("etl", mean);

    try (Journal journal = Journal.open(temp.resolve("fancy.db"));
        DurableEngine engine = DurableEngine.builder(journal).open()) {
      RunHandle run = engine.start(workflow, Inputs.of(file, csv),
          RunOptions.builder().limits(UsageLimits.maxCost(new BigDecimal("5"), "USD"))
              .label("team", "weather").build());
      RunStatus status = run.await();
      assertThat(status).isEqualTo(RunStatus.SUCCEEDED);
      double testMean = run.result().get(mean.out());
      assertThat(testMean).isEqualTo(5.0);

      WorkflowEngine contract = engine;
      List<String> lines = new CopyOnWriteArrayList<>();
      EventSubscription subscription = contract.handle(run.id()).subscribe(1,
          event -> lines.add(event.sequence() + " " + event.type() + " " + event.slug()));
      Poll.until(() -> !subscription.isActive());
      assertThat(lines).first().isEqualTo("1 RUN_STARTED null");
      assertThat(lines).last().asString().endsWith("RUN_FINISHED null");
      RunHistory history = run.history();
      assertThat(history.steps()).hasSize(3);
      RunPage labelled = contract.runs(RunQuery.builder().status(RunStatus.SUCCEEDED)
          .label("team", "weather").limit(50).build());
      assertThat(labelled.runs()).extracting(RunInfo::runId).containsExactly(run.id());
      Inputs fromHttp = contract.inputsFromJson(workflow,
          new ObjectMapper().readTree("{\"file\": \"" + csv.toString().replace("\\", "/")
              + "\"}"));
      assertThat(fromHttp.get(file)).isEqualTo(csv);
    }
  }

  /** Polls with a deadline (tests never sleep to synchronise). */
  private static final class Poll {
    static void until(java.util.function.BooleanSupplier condition) {
      long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (!condition.getAsBoolean()) {
        assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(end);
        java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
      }
    }
  }
}
