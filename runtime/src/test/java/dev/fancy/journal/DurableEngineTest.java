package dev.fancy.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.engine.AttemptTimeoutException;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableEngineTest {

  @TempDir
  Path temp;

  private final AtomicInteger executions = new AtomicInteger();
  private final AtomicBoolean broken = new AtomicBoolean();

  private StepRegistry registry() {
    return StepRegistry.empty()
        .register(Call.intStep("test.count", (frame, args) -> {
          executions.incrementAndGet();
          frame.resources().get(JournalEffects.class).stage(frame.idempotencyKey(),
              "INSERT INTO effects (step_key) VALUES (?)", frame.idempotencyKey());
          return new Object[] {(Integer) args[0] + 1};
        }))
        .register(Call.intStep("test.fragile", (frame, args) -> {
          executions.incrementAndGet();
          if (broken.get()) {
            throw new IllegalStateException("broken");
          }
          return new Object[] {(Integer) args[0] * 10};
        }))
        .register(Call.intStep("test.sleepy", (frame, args) -> {
          Thread.sleep(5_000);
          return new Object[] {args[0]};
        }));
  }

  private Journal journal() {
    Journal journal = Journal.open(temp.resolve("journal.db"), Journal.Durability.NORMAL);
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + journal.file());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS effects (step_key TEXT)");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return journal;
  }

  private static Workflow chain(String... slugs) {
    Cell<Integer> cell = Cell.input("x", Integer.class);
    for (String slug : slugs) {
      cell = new Call<Integer>(slug, Call.unary(MathSteps.INT), cell).out();
    }
    return Workflow.of("chain", cell);
  }

  private long count(Journal journal, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + journal.file());
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      return row.next() ? row.getLong(1) : -1;
    }
  }

  @Test
  void aSubmittedRunIsJournaledStepByStepWithItsEffects() throws Exception {
    try (Journal journal = journal();
        DurableEngine engine = DurableEngine.open(journal, registry())) {
      Workflow workflow = chain("test.count", "test.count", "test.count");
      UUID run = engine.submit(workflow, Map.of("x", 1));

      assertThat(engine.await(run)).isEqualTo("SUCCEEDED");
      assertThat(engine.result(run).get(workflow.outputs().get(0))).isEqualTo(4);
      assertThat(journal.steps(run)).hasSize(3)
          .allSatisfy(step -> assertThat(step.status()).isEqualTo("SUCCEEDED"));
      assertThat(journal.committedOutputs(run)).hasSize(3);
      assertThat(count(journal, "SELECT COUNT(*) FROM effects")).isEqualTo(3);
      assertThat(count(journal, "SELECT COUNT(DISTINCT idempotency_key) FROM attempts"))
          .isEqualTo(3);
      assertThat(journal.run(run)).get().extracting(RunInfo::workflowName).isEqualTo("chain");
    }
  }

  @Test
  void badInputsRecordNothing() {
    try (Journal journal = journal();
        DurableEngine engine = DurableEngine.open(journal, registry())) {
      assertThatThrownBy(() -> engine.submit(chain("test.count"), Map.of("x", "one")))
          .isInstanceOf(WorkflowValidationException.class);
      assertThat(journal.runs()).isEmpty();
    }
  }

  @Test
  void aFailedRunResumesFromWhereItStoppedWithoutRerunningCommittedSteps() {
    broken.set(true);
    try (Journal journal = journal();
        DurableEngine engine = DurableEngine.open(journal, registry())) {
      UUID run = engine.submit(chain("test.count", "test.fragile", "test.count"), Map.of("x", 1));
      assertThat(engine.await(run)).isEqualTo("FAILED");
      assertThat(journal.run(run).orElseThrow().error()).contains("broken");
      assertThat(journal.steps(run)).extracting(StepInfo::status)
          .containsExactlyInAnyOrder("SUCCEEDED", "FAILED", "SKIPPED");
      int before = executions.get();

      broken.set(false);
      engine.resume(run);

      assertThat(engine.await(run)).isEqualTo("SUCCEEDED");
      assertThat(executions.get() - before).as("the first step is not executed again")
          .isEqualTo(2);
      assertThat(engine.result(run).get(engine.result(run).workflow().outputs().get(0)))
          .isEqualTo(21);
      assertThat(journal.steps(run)).filteredOn(s -> s.slug().equals("test.fragile"))
          .singleElement().extracting(StepInfo::attempts).isEqualTo(2);
      assertThat(journal.attempts(run)).extracting(AttemptInfo::status)
          .containsExactly("SUCCEEDED", "FAILED", "SUCCEEDED", "SUCCEEDED");
      assertThat(journal.attempts(run).get(1).errorMessage()).isEqualTo("broken");
    }
  }

  @Test
  void aTimeoutIsRecordedAndTheRunFails() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> sleepy = new Call<>("test.sleepy", Call.unary(MathSteps.INT), x);
    sleepy.options(StepOptions.DEFAULT.withTimeout(Duration.ofMillis(50)));
    try (Journal journal = journal();
        DurableEngine engine = DurableEngine.open(journal, registry())) {
      UUID run = engine.submit(Workflow.of("sleepy", sleepy.out()), Map.of("x", 1));
      assertThat(engine.await(run)).isEqualTo("FAILED");
      assertThat(journal.steps(run)).singleElement().satisfies(step -> {
        assertThat(step.status()).isEqualTo("FAILED");
        assertThat(step.error()).startsWith(AttemptTimeoutException.class.getName());
      });
    }
  }

  @Test
  void aRunLeasedByALiveProcessIsNotTakenOverButAnAbandonedOneIs() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    StepRegistry blocking = registry().register(Call.intStep("test.block", (frame, args) -> {
      started.countDown();
      release.await(10, TimeUnit.SECONDS);
      return new Object[] {args[0]};
    }));
    Path file = temp.resolve("journal.db");
    try (Journal first = journal()) {
      DurableEngine a = DurableEngine.open(first, blocking, Duration.ofMillis(400), 2, null);
      UUID run = a.submit(chain("test.count", "test.block", "test.count"), Map.of("x", 1));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      try (Journal second = Journal.open(file, Journal.Durability.NORMAL);
          DurableEngine b = DurableEngine.open(second, registry(), Duration.ofMillis(400), 2,
              null)) {
        assertThat(second.run(run).orElseThrow().owner()).isEqualTo(a.owner());
        b.recover();
        assertThat(second.run(run).orElseThrow().owner()).as("A's lease is alive")
            .isEqualTo(a.owner());

        a.close(); // A dies: its heartbeat stops, its lease runs out
        Thread.sleep(600);
        StepRegistry unblocked = registry().register(Call.intStep("test.block",
            (frame, args) -> new Object[] {args[0]}));
        try (DurableEngine c = DurableEngine.open(second, unblocked, Duration.ofMillis(400), 2,
            null)) {
          assertThat(c.await(run)).isEqualTo("SUCCEEDED");
          assertThat(second.steps(run)).filteredOn(s -> s.slug().equals("test.count"))
              .extracting(StepInfo::attempts).containsExactly(1, 1);
        }
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void aRemovedStepVersionFailsTheResumedRunInsteadOfMixingVersions() throws Exception {
    try (Journal journal = journal()) {
      UUID run;
      CountDownLatch started = new CountDownLatch(1);
      StepRegistry v1 = registry().register(Call.intStep("test.block", (frame, args) -> {
        started.countDown();
        Thread.sleep(30_000);
        return new Object[] {args[0]};
      }));
      DurableEngine a = DurableEngine.open(journal, v1, Duration.ofMillis(200), 2, null);
      run = a.submit(chain("test.block"), Map.of("x", 1));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      a.close();
      Thread.sleep(400);
      StepRegistry v2 = registry().register(new StepDefinition("test.block", 2, "",
          Call.unary(MathSteps.INT), (frame, args) -> new Object[] {args[0]}));
      try (DurableEngine b = DurableEngine.open(journal, v2, Duration.ofMillis(200), 2, null)) {
        RunInfo info = journal.run(run).orElseThrow();
        assertThat(info.status()).isEqualTo("FAILED");
        assertThat(info.error()).contains("cannot resume", "test.block@1",
            "registered versions are [2]");
      }
    }
  }

  @Test
  void cancellingARunStopsItAndItCanBeResumed() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean block = new AtomicBoolean(true);
    StepRegistry registry = registry().register(Call.intStep("test.block", (frame, args) -> {
      if (block.get()) {
        started.countDown();
        Thread.sleep(30_000);
      }
      return new Object[] {args[0]};
    }));
    try (Journal journal = journal();
        DurableEngine engine = DurableEngine.open(journal, registry)) {
      UUID run = engine.submit(chain("test.count", "test.block", "test.count"), Map.of("x", 1));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      engine.cancel(run);
      assertThat(engine.await(run)).isEqualTo("CANCELLED");
      assertThat(journal.steps(run)).extracting(StepInfo::status)
          .containsExactlyInAnyOrder("SUCCEEDED", "CANCELLED", "SKIPPED");
      block.set(false);
      engine.resume(run);
      assertThat(engine.await(run)).isEqualTo("SUCCEEDED");
    }
  }

  @Test
  void corruptRowsAndNewerSchemasGiveClearErrors() throws Exception {
    Path file = temp.resolve("journal.db");
    UUID good;
    UUID corrupt;
    try (Journal journal = journal();
        DurableEngine engine = DurableEngine.open(journal, registry())) {
      good = engine.submit(chain("test.count"), Map.of("x", 1));
      engine.await(good);
      corrupt = engine.submit(chain("test.count", "test.count"), Map.of("x", 1));
      engine.await(corrupt);
    }
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      statement.execute("UPDATE runs SET status = 'RUNNING', owner = NULL WHERE id = '"
          + corrupt + "'");
      statement.execute("UPDATE workflows SET definition = '{\"schemaVersion\": 1, \"name\"' "
          + "WHERE hash = (SELECT workflow_hash FROM runs WHERE id = '" + corrupt + "')");
    }
    try (Journal journal = Journal.open(file);
        DurableEngine engine = DurableEngine.open(journal, registry())) {
      assertThat(journal.run(corrupt).orElseThrow().status()).isEqualTo("FAILED");
      assertThat(journal.run(corrupt).orElseThrow().error()).contains("cannot resume",
          "is corrupt");
      assertThat(journal.run(good).orElseThrow().status()).isEqualTo("SUCCEEDED");
    }
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA user_version = 99");
    }
    assertThatThrownBy(() -> Journal.open(file))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("has schema version 99, written by a newer Fancy; this Fancy "
            + "reads up to version 1");
  }

  @Test
  void aReadOnlyJournalRefusesWritesAndLosesNothing() throws Exception {
    Path file = temp.resolve("journal.db");
    UUID run;
    try (Journal journal = journal();
        DurableEngine engine = DurableEngine.open(journal, registry())) {
      run = engine.submit(chain("test.count"), Map.of("x", 1));
      engine.await(run);
    }
    try (Journal readOnly = Journal.open(file, Journal.Durability.FULL, true);
        DurableEngine engine = DurableEngine.open(readOnly, registry())) {
      assertThatThrownBy(() -> engine.submit(chain("test.count"), Map.of("x", 1)))
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("The journal is read-only");
      assertThat(readOnly.runs()).extracting(RunInfo::runId).containsExactly(run);
      assertThat(readOnly.run(run).orElseThrow().status()).isEqualTo("SUCCEEDED");
    }
  }

  @Test
  void oldFinishedRunsCanBeDeleted() throws Exception {
    try (Journal journal = journal();
        DurableEngine engine = DurableEngine.open(journal, registry())) {
      UUID run = engine.submit(chain("test.count"), Map.of("x", 1));
      engine.await(run);
      assertThat(journal.deleteRunsOlderThan(Duration.ofHours(1))).isZero();
      Thread.sleep(5);
      assertThat(journal.deleteRunsOlderThan(Duration.ZERO)).isEqualTo(1);
      assertThat(journal.runs()).isEmpty();
      assertThat(count(journal, "SELECT COUNT(*) FROM attempts")).isZero();
      assertThat(List.of(journal.steps(run).size())).containsExactly(0);
    }
  }

  @Test
  void largeOutputsLiveInFilesAndComeBackOnResume() throws Exception {
    String big = "x".repeat(Journal.VALUE_FILE_THRESHOLD + 10);
    AtomicBoolean fail = new AtomicBoolean(true);
    StepRegistry registry = registry()
        .register(new StepDefinition("test.big", 1, "", Contract.of(
            List.of(dev.fancy.workflow.Port.of("a", MathSteps.INT)),
            List.of(dev.fancy.workflow.Port.of("out", MathSteps.STRING))),
            (frame, args) -> new Object[] {big}))
        .register(new StepDefinition("test.length", 1, "", Contract.of(
            List.of(dev.fancy.workflow.Port.of("text", MathSteps.STRING)),
            List.of(dev.fancy.workflow.Port.of("out", MathSteps.INT))), (frame, args) -> {
              if (fail.get()) {
                throw new IllegalStateException("not now");
              }
              return new Object[] {((String) args[0]).length()};
            }));
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<String> bigStep = new Call<>("test.big", Contract.of(
        List.of(dev.fancy.workflow.Port.of("a", MathSteps.INT)),
        List.of(dev.fancy.workflow.Port.of("out", MathSteps.STRING))), x);
    Call<Integer> length = new Call<>("test.length", Contract.of(
        List.of(dev.fancy.workflow.Port.of("text", MathSteps.STRING)),
        List.of(dev.fancy.workflow.Port.of("out", MathSteps.INT))), bigStep.out());
    Workflow workflow = Workflow.of("big", length.out());
    try (Journal journal = journal();
        DurableEngine engine = DurableEngine.open(journal, registry)) {
      UUID run = engine.submit(workflow, Map.of("x", 1));
      assertThat(engine.await(run)).isEqualTo("FAILED");
      assertThat(count(journal, "SELECT MAX(LENGTH(outputs)) FROM attempts"))
          .isLessThan(1_000);
      Path values = journal.file().resolveSibling("journal.db.values").resolve(run.toString());
      try (var files = java.nio.file.Files.list(values)) {
        assertThat(files.count()).isEqualTo(1);
      }
      fail.set(false);
      engine.resume(run);
      assertThat(engine.await(run)).isEqualTo("SUCCEEDED");
      assertThat(engine.result(run).get(length.out())).isEqualTo(big.length());
      journal.deleteRunsOlderThan(Duration.ZERO);
      assertThat(values).doesNotExist();
    }
  }
}
