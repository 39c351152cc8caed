package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.fancy.fixtures.Bind;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.LogCapture;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.frame.UsageLimits;
import dev.fancy.internal.StepDefinition;
import dev.fancy.internal.journal.AttemptInfo;
import dev.fancy.internal.journal.JournalRun;
import dev.fancy.internal.journal.StepInfo;
import dev.fancy.journal.JournalException;
import dev.fancy.journal.JournalOptions;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.AttemptTimeoutException;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunListener;
import dev.fancy.run.RunNotFoundException;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepStatus;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

class DurableEngineTest {

  @TempDir
  Path temp;

  private final JournalKit kit = new JournalKit();

  private Path file() {
    return temp.resolve("journal.db");
  }

  @Test
  void aSubmittedRunIsJournaledStepByStepWithItsEffects() {
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, kit.registry())) {
      Workflow workflow = JournalKit.chain("test.count", "test.count", "test.count");
      UUID run = engine.start(workflow, Bind.inputs(workflow, Map.of("x", 1))).id();

      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(engine.result(run).get(workflow.outputs().get(0))).isEqualTo(4);
      assertThat(journal.steps(run)).hasSize(3)
          .allSatisfy(step -> assertThat(step.status()).isEqualTo(StepStatus.SUCCEEDED));
      assertThat(journal.committedOutputs(run)).hasSize(3);
      assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM effects")).isEqualTo(3);
      assertThat(journal.attempts(run)).extracting(AttemptInfo::status)
          .containsOnly(AttemptStatus.SUCCEEDED);
      JournalRun info = journal.run(run).orElseThrow();
      assertThat(info.workflowName()).isEqualTo("chain");
      assertThat(info.status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(info.owner()).as("the lease is released").isNull();
      assertThat(info.epoch()).isEqualTo(1);
    }
  }

  @Test
  void badInputsRecordNothing() {
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, kit.registry())) {
      assertThatThrownBy(() -> engine.start(JournalKit.chain("test.count"), Bind.inputs(JournalKit.chain("test.count"), Map.of("x", "one"))).id())
          .isInstanceOf(WorkflowValidationException.class);
      assertThat(journal.runs()).isEmpty();
    }
  }

  /** A bean Jackson can write (getters) but not read back (no creator, no setters). */
  public static final class WriteOnly {
    private final int size;

    public WriteOnly(int size) {
      this.size = size;
    }

    public int getSize() {
      return size;
    }
  }

  @Test
  void anInputThatCannotBeReadBackIsRefusedAtSubmitNamingItAndItsType() {
    ValueType<WriteOnly> type = ValueType.of(WriteOnly.class);
    Contract contract = Contract.of(List.of(Port.of("a", type)), List.of(Port.of("out", type)));
    StepRegistry registry = kit.registry().register(new StepDefinition("test.same", 1, "",
        contract, (frame, args) -> new Object[] {args[0]}));
    Cell<WriteOnly> box = Cell.input("box", WriteOnly.class);
    Workflow workflow = Workflow.of("boxes", new Call<WriteOnly>("test.same", contract, box).out());
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, registry)) {
      assertThatThrownBy(() -> engine.start(workflow, Inputs.of(box, new WriteOnly(3))).id())
          .isInstanceOf(WorkflowValidationException.class)
          .hasMessageContaining("run input 'box' (" + WriteOnly.class.getName() + ") cannot be "
              + "journaled: a resumed run reads it back from JSON, and that fails")
          .hasMessageContaining("@JsonCreator");
      assertThat(journal.runs()).isEmpty();
    }
  }

  /** Reads {@link WriteOnly} from {@code {"size": n}}: what the engine is missing above. */
  private static SimpleModule writeOnlyModule() {
    return new SimpleModule("write-only").addDeserializer(WriteOnly.class,
        new StdDeserializer<>(WriteOnly.class) {
          @Override
          public WriteOnly deserialize(JsonParser parser, DeserializationContext context)
              throws IOException {
            com.fasterxml.jackson.databind.JsonNode tree = parser.readValueAsTree();
            return new WriteOnly(tree.get("size").asInt());
          }
        });
  }

  @Test
  void aJacksonModuleGivenToOneEngineReadsItsValuesBackAndNoOtherEngines() {
    ValueType<WriteOnly> type = ValueType.of(WriteOnly.class);
    Contract contract = Contract.of(List.of(Port.of("a", type)), List.of(Port.of("out", type)));
    StepRegistry registry = kit.registry().register(new StepDefinition("test.same", 1, "",
        contract, (frame, args) -> new Object[] {args[0]}));
    Cell<WriteOnly> box = Cell.input("box", WriteOnly.class);
    Cell<WriteOnly> out = new Call<WriteOnly>("test.same", contract, box).out();
    Workflow workflow = Workflow.of("boxes", out);
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.builder(journal).registry(registry)
            .jacksonModule(writeOnlyModule()).open()) {
      UUID run = engine.start(workflow, Inputs.of(box, new WriteOnly(3))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(engine.result(run).get(out).getSize()).isEqualTo(3);
      assertThat(journal.runInputs(run).get("box").get("size").asInt()).isEqualTo(3);
    }
    try (Journal journal = kit.open(temp.resolve("other.db"));
        DurableEngine engine = DurableEngine.open(journal, registry)) {
      assertThatThrownBy(() -> engine.start(workflow, Inputs.of(box, new WriteOnly(3))).id())
          .isInstanceOf(WorkflowValidationException.class);
    }
  }

  @Test
  void submittingAgainWithTheSameRunIdIsIdempotent() {
    UUID id = UUID.randomUUID();
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, kit.registry())) {
      Workflow workflow = JournalKit.chain("test.count");
      RunOptions options = RunOptions.builder().runId(id).build();
      assertThat(engine.start(workflow, Bind.inputs(workflow, Map.of("x", 1)), options).id()).isEqualTo(id);
      assertThat(engine.await(id, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(engine.start(workflow, Bind.inputs(workflow, Map.of("x", 1)), options).id()).isEqualTo(id);
      assertThat(engine.await(id, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(journal.runs()).hasSize(1);
      assertThat(kit.executions.get()).as("the step ran once").isEqualTo(1);
      assertThatThrownBy(() -> engine.start(workflow, Bind.inputs(workflow, Map.of("x", 2)), options).id())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("run " + id + " already exists with other inputs");
    }
  }

  @Test
  void aFailedRunResumesFromWhereItStoppedWithoutRerunningCommittedSteps() {
    kit.broken.set(true);
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, kit.registry())) {
      UUID run = engine.start(JournalKit.chain("test.count", "test.fragile", "test.count"), Bind.inputs(JournalKit.chain("test.count", "test.fragile", "test.count"), Map.of("x", 1))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.FAILED);
      assertThat(journal.run(run).orElseThrow().error()).contains("broken");
      assertThat(journal.steps(run)).extracting(StepInfo::status)
          .containsExactlyInAnyOrder(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.SKIPPED);
      int before = kit.executions.get();

      kit.broken.set(false);
      engine.resume(run);

      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(kit.executions.get() - before).as("the first step is not executed again")
          .isEqualTo(2);
      assertThat(engine.result(run).get(engine.result(run).workflow().outputs().get(0)))
          .isEqualTo(21);
      assertThat(journal.steps(run)).filteredOn(s -> s.slug().equals("test.fragile"))
          .singleElement().extracting(StepInfo::attempts).isEqualTo(2);
      assertThat(journal.attempts(run)).extracting(AttemptInfo::status)
          .containsExactly(AttemptStatus.SUCCEEDED, AttemptStatus.FAILED,
              AttemptStatus.SUCCEEDED, AttemptStatus.SUCCEEDED);
      assertThat(journal.attempts(run).get(1).errorMessage()).isEqualTo("broken");
      assertThat(journal.run(run).orElseThrow().epoch()).as("resuming is a new claim")
          .isEqualTo(2);
    }
  }

  @Test
  void anEngineWideListenerHearsEveryRunItExecutesAlsoResumedOnes() throws Exception {
    kit.broken.set(true);
    List<RunEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch twoEnds = new CountDownLatch(2);
    RunListener listener = event -> {
      heard.add(event);
      if (event.type() == RunEvent.Type.RUN_FINISHED) {
        twoEnds.countDown();
      }
    };
    Workflow workflow = JournalKit.chain("test.count", "test.fragile", "test.count");
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.builder(journal).registry(kit.registry())
            .listener(listener).open()) {
      // Started without any listener of its own, then resumed (which takes no options).
      UUID run = engine.start(workflow, Bind.inputs(workflow, Map.of("x", 1))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.FAILED);
      kit.broken.set(false);
      engine.resume(run);
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(twoEnds.await(10, TimeUnit.SECONDS)).as("both ends heard").isTrue();
    }
    assertThat(heard).filteredOn(e -> e.type() == RunEvent.Type.RUN_FINISHED)
        .extracting(RunEvent::status).containsExactly("FAILED", "SUCCEEDED");
    assertThat(heard).filteredOn(e -> e.type() == RunEvent.Type.RUN_STARTED).hasSize(2);
    assertThat(heard).filteredOn(e -> e.type() == RunEvent.Type.STEP_SUCCEEDED).hasSize(3);
  }

  @Test
  void aTimeoutIsRecordedAndTheRunFails() {
    CountDownLatch never = new CountDownLatch(1);
    StepRegistry registry = kit.registry().register(Call.intStep("test.sleepy", (frame, args) -> {
      never.await();
      return new Object[] {args[0]};
    }));
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> sleepy = new Call<>("test.sleepy", Call.unary(MathSteps.INT), x);
    sleepy.options(StepOptions.DEFAULT.withTimeout(Duration.ofMillis(50)));
    try (LogCapture logs = LogCapture.of("dev.fancy.internal.core.Lingering");
        Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, registry)) {
      UUID run = engine.start(Workflow.of("sleepy", sleepy.out()), Bind.inputs(Workflow.of("sleepy", sleepy.out()), Map.of("x", 1))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.FAILED);
      assertThat(journal.steps(run)).singleElement().satisfies(step -> {
        assertThat(step.status()).isEqualTo(StepStatus.FAILED);
        assertThat(step.error()).startsWith(AttemptTimeoutException.class.getName());
      });
      assertThat(journal.attempts(run)).singleElement().extracting(AttemptInfo::status)
          .isEqualTo(AttemptStatus.FAILED);
      logs.awaitLogged(Level.WARN, "attempt 1 of step 'test.sleepy' ended", Duration.ofSeconds(10));
    }
  }

  @Test
  void cancellingARunStopsItAndItCanBeResumed() throws Exception {
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, kit.registry())) {
      UUID run = engine.start(JournalKit.chain("test.count", "test.block", "test.count"), Bind.inputs(JournalKit.chain("test.count", "test.block", "test.count"), Map.of("x", 1))).id();
      assertThat(kit.started.await(10, TimeUnit.SECONDS)).isTrue();
      engine.cancel(run, "cancelled on request");
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.CANCELLED);
      assertThat(journal.steps(run)).extracting(StepInfo::status)
          .containsExactlyInAnyOrder(StepStatus.SUCCEEDED, StepStatus.CANCELLED,
              StepStatus.SKIPPED);
      assertThat(journal.attempts(run)).extracting(AttemptInfo::status)
          .containsExactly(AttemptStatus.SUCCEEDED, AttemptStatus.FAILED);
      assertThat(journal.attempts(run).get(1).errorType()).as("the attempt was interrupted")
          .isEqualTo(InterruptedException.class.getName());
      kit.release.countDown();
      engine.resume(run);
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM effects")).isEqualTo(2);
    }
  }

  @Test
  void usageLimitsAreJournaledAndCountWhatEarlierExecutionsUsed() {
    AtomicBoolean fail = new AtomicBoolean(true);
    StepRegistry registry = kit.registry()
        .register(Call.intStep("test.costly", (frame, args) -> {
          frame.usage().cost(new BigDecimal("0.60"));
          if (fail.get()) {
            throw new IllegalStateException("not now");
          }
          return new Object[] {args[0]};
        }));
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, registry)) {
      UUID run = engine.start(JournalKit.chain("test.costly"), Bind.inputs(JournalKit.chain("test.costly"), Map.of("x", 1)),
          RunOptions.builder().limits(UsageLimits.maxCost(new BigDecimal("1.00"), "USD"))
              .build()).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.FAILED);
      assertThat(journal.usage(run).cost()).isEqualByComparingTo("0.60");
      fail.set(false);
      engine.resume(run);
      assertThat(engine.await(run, null)).as("0.60 + 0.60 exceeds the journaled 1.00 limit")
          .isEqualTo(RunStatus.CANCELLED);
      assertThat(journal.run(run).orElseThrow().error())
          .contains("cost 1.20 USD exceeds the limit 1.00 USD");
    }
  }

  @Test
  void decimalsStayExactAcrossAResume() {
    ValueType<BigDecimal> decimal = ValueType.of(BigDecimal.class);
    Contract contract = Contract.of(List.of(Port.of("a", decimal)), List.of(Port.of("out", decimal)));
    StepRegistry registry = kit.registry()
        .register(new StepDefinition("test.triple", 1, "", contract,
            (frame, args) -> new Object[] {((BigDecimal) args[0]).multiply(BigDecimal.valueOf(3))}))
        .register(new StepDefinition("test.check", 1, "", contract, (frame, args) -> {
          if (kit.broken.get()) {
            throw new IllegalStateException("later");
          }
          return new Object[] {args[0]};
        }));
    Cell<BigDecimal> price = Cell.input("price", BigDecimal.class);
    Call<BigDecimal> triple = new Call<>("test.triple", contract, price);
    Call<BigDecimal> check = new Call<>("test.check", contract, triple.out());
    kit.broken.set(true);
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, registry)) {
      UUID run = engine.start(Workflow.of("prices", check.out()), Bind.inputs(Workflow.of("prices", check.out()), Map.of("price", new BigDecimal("19.99")))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.FAILED);
      kit.broken.set(false);
      engine.resume(run);
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(engine.result(run).get(check.out())).isEqualTo(new BigDecimal("59.97"));
    }
  }

  @Test
  void finishedRunsAreKeptWithoutTheirValuesWhichAreReadFromTheJournal() {
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.builder(journal).registry(kit.registry())
            .keptResults(2, 1 << 20).open()) {
      Workflow workflow = JournalKit.chain("test.count");
      List<UUID> runs = new java.util.ArrayList<>();
      for (int x = 1; x <= 3; x++) {
        UUID run = engine.start(workflow, Bind.inputs(workflow, Map.of("x", x))).id();
        engine.await(run, null);
        runs.add(run);
      }
      Cell<?> out = workflow.outputs().get(0);
      for (UUID run : runs) {
        assertThat(engine.result(run).location(out).getScheme()).as("read from the journal")
            .isEqualTo("journal");
        assertThat(engine.result(run).get(out)).as("its value, decoded from the journal")
            .isNotNull();
        assertThat(engine.result(run).history()).hasSize(1);
      }
      assertThat(journal.committedOutputs(runs.get(0))).as("the journal keeps everything")
          .hasSize(1);
    }
  }

  @Test
  void oldFinishedRunsAreDeletedWithTheirStepsAttemptsAndValues() {
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, kit.registry())) {
      UUID run = engine.start(JournalKit.chain("test.count"), Bind.inputs(JournalKit.chain("test.count"), Map.of("x", 1))).id();
      engine.await(run, null);
      assertThat(journal.deleteRunsOlderThan(Duration.ofHours(1))).isZero();
      kit.clock.advance(Duration.ofHours(2));
      assertThat(journal.deleteRunsOlderThan(Duration.ofHours(1))).isEqualTo(1);
      assertThat(journal.runs()).isEmpty();
      assertThat(journal.steps(run)).isEmpty();
      assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM attempts")).isZero();
      assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM workflows")).isZero();
    }
  }

  @Test
  void deletingAFinishedRunRemovesItsRowsFromEveryTableAndItsValueFiles() throws Exception {
    Contract intToString = Contract.of(List.of(Port.of("a", MathSteps.INT)),
        List.of(Port.of("out", MathSteps.STRING)));
    StepRegistry registry = kit.registry().register(new StepDefinition("test.text", 1, "",
        intToString, (frame, args) -> new Object[] {"text " + args[0]}));
    try (Journal journal = kit.open(file(), JournalOptions.builder().valueFileThreshold(1));
        DurableEngine engine = DurableEngine.open(journal, registry)) {
      Call<String> text = new Call<>("test.text", intToString, Cell.input("x", Integer.class));
      Workflow workflow = Workflow.of("text", text.out());
      UUID deleted = engine.start(workflow, Bind.inputs(workflow, Map.of("x", 1)),
          RunOptions.builder().label("team", "a").build()).id();
      UUID kept = engine.start(workflow, Bind.inputs(workflow, Map.of("x", 2)),
          RunOptions.builder().label("team", "a").build()).id();
      engine.await(deleted, null);
      engine.await(kept, null);
      Path values = journal.file().resolveSibling(journal.file().getFileName() + ".values");
      assertThat(values.resolve(deleted.toString())).as("outputs kept in files").isDirectory();
      List<String> tables = List.of("runs WHERE id", "steps WHERE run_id",
          "attempts WHERE run_id", "events WHERE run_id", "run_labels WHERE run_id");
      for (String table : tables) {
        assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM " + table + " = '"
            + deleted + "'")).as(table).isPositive();
      }

      assertThat(engine.delete(deleted)).isTrue();

      for (String table : tables) {
        assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM " + table + " = '"
            + deleted + "'")).as(table).isZero();
        assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM " + table + " = '"
            + kept + "'")).as(table + " of the other run").isPositive();
      }
      assertThat(values.resolve(deleted.toString())).doesNotExist();
      assertThat(values.resolve(kept.toString())).isDirectory();
      assertThat(engine.result(kept).get(text.out())).isEqualTo("text 2");
      assertThatThrownBy(() -> engine.handle(deleted)).isInstanceOf(RunNotFoundException.class);
    }
  }

  @Test
  void aRunningRunIsNotDeletedAndARunOfAnotherProcessIsSeenAsRunning() throws Exception {
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, kit.registry());
        Journal other = kit.open(file());
        DurableEngine elsewhere = DurableEngine.open(other, kit.registry())) {
      Workflow workflow = JournalKit.chain("test.block");
      UUID run = engine.start(workflow, Bind.inputs(workflow, Map.of("x", 1))).id();
      assertThat(kit.started.await(10, TimeUnit.SECONDS)).isTrue();

      assertThatThrownBy(() -> engine.delete(run)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("RUNNING in this process");
      assertThatThrownBy(() -> elsewhere.delete(run)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is RUNNING, not finished");

      kit.release.countDown();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(elsewhere.delete(run)).as("deleted by another process").isTrue();
      assertThatThrownBy(() -> engine.handle(run)).isInstanceOf(RunNotFoundException.class);
      assertThat(engine.delete(run)).isFalse();
    }
  }

  @Test
  void aReadOnlyJournalRefusesWritesAndLosesNothing() {
    UUID run;
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, kit.registry())) {
      run = engine.start(JournalKit.chain("test.count"), Bind.inputs(JournalKit.chain("test.count"), Map.of("x", 1))).id();
      engine.await(run, null);
    }
    try (Journal readOnly = Journal.open(file(), JournalOptions.builder().readOnly(true).build());
        DurableEngine engine = DurableEngine.open(readOnly, kit.registry())) {
      assertThatThrownBy(() -> engine.start(JournalKit.chain("test.count"), Bind.inputs(JournalKit.chain("test.count"), Map.of("x", 1))).id())
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("The journal is read-only");
      assertThat(readOnly.runs()).extracting(JournalRun::runId).containsExactly(run);
      assertThat(readOnly.run(run).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
    }
    assertThatThrownBy(() -> Journal.open(temp.resolve("missing.db"),
        JournalOptions.builder().readOnly(true).build()))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("the read-only journal")
        .hasMessageContaining("does not exist");
  }

  @Test
  void aBackupTakenWhileRunsGoOnOpensWithEveryCommittedValue() {
    String big = "b".repeat(100_000);
    StepRegistry registry = kit.registry().register(new StepDefinition("test.big", 1, "",
        Contract.of(List.of(Port.of("a", MathSteps.INT)), List.of(Port.of("out",
            MathSteps.STRING))), (frame, args) -> new Object[] {big + args[0]}));
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<String> bigStep = new Call<>("test.big", Contract.of(List.of(Port.of("a", MathSteps.INT)),
        List.of(Port.of("out", MathSteps.STRING))), x);
    Workflow workflow = Workflow.of("big", bigStep.out());
    Path backup = temp.resolve("backups/copy.db");
    UUID done;
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, registry)) {
      done = engine.start(workflow, Bind.inputs(workflow, Map.of("x", 1))).id();
      engine.await(done, null);
      UUID blocked = engine.start(JournalKit.chain("test.block"), Bind.inputs(JournalKit.chain("test.block"), Map.of("x", 2))).id();
      engine.backup(backup);
      assertThatThrownBy(() -> engine.backup(backup))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists");
      kit.release.countDown();
      engine.await(blocked, null);
    }
    try (Journal copy = Journal.open(backup)) {
      assertThat(copy.run(done).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(copy.committedOutputs(done).values()).singleElement()
          .satisfies(outputs -> assertThat(outputs.get(0).asText()).isEqualTo(big + 1));
      assertThat(copy.runs()).hasSize(2);
    }
  }

  @Test
  void theStepKeyStaysAcrossAttemptsWhileTheAttemptKeyChanges() {
    List<String> stepKeys = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> attemptKeys = new java.util.concurrent.CopyOnWriteArrayList<>();
    StepRegistry registry = kit.registry().register(Call.intStep("test.charge", (frame, args) -> {
      stepKeys.add(frame.stepKey());
      attemptKeys.add(frame.idempotencyKey());
      if (attemptKeys.size() == 1) {
        throw new java.io.IOException("the payment API timed out after charging");
      }
      return new Object[] {args[0]};
    }));
    Call<Integer> charge = new Call<>("test.charge", Call.unary(MathSteps.INT),
        Cell.input("x", Integer.class));
    charge.options(StepOptions.DEFAULT.withRetry(
        dev.fancy.workflow.RetryPolicy.exponential(2, Duration.ofMillis(1))));
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.open(journal, registry)) {
      UUID run = engine.start(Workflow.of("charge", charge.out()), Bind.inputs(Workflow.of("charge", charge.out()), Map.of("x", 1))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(stepKeys).containsExactly(run + ":" + charge.id(), run + ":" + charge.id());
      assertThat(attemptKeys).containsExactly(run + ":" + charge.id() + ":1",
          run + ":" + charge.id() + ":2");
    }
  }

  @Test
  void aFullWriteQueueMakesSubmittersWaitAndLosesNothing() throws Exception {
    java.util.concurrent.ExecutorService submitters =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try (Journal journal = kit.open(file(), JournalOptions.builder().writeQueueCapacity(1)
            .busyTimeout(Duration.ofSeconds(20)));
        DurableEngine engine = DurableEngine.open(journal, kit.registry())) {
      Workflow workflow = JournalKit.chain("test.count", "test.count");
      List<java.util.concurrent.Future<UUID>> runs = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int x = i;
        runs.add(submitters.submit(() -> engine.start(workflow, Bind.inputs(workflow, Map.of("x", x))).id()));
      }
      for (java.util.concurrent.Future<UUID> run : runs) {
        assertThat(engine.await(run.get(), null)).isEqualTo(RunStatus.SUCCEEDED);
      }
      assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM effects")).isEqualTo(80);
    } finally {
      submitters.shutdownNow();
    }
  }
}
