package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.Bind;
import dev.fancy.fixtures.MathSteps.AddStep;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunFailedException;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.store.FileDatumStore;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import dev.fancy.workflow.WorkflowValidationException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {

  @TempDir
  Path temp;

  private Engine engine;

  @BeforeEach
  void setUp() {
    MathSteps.EXECUTIONS.set(0);
    engine = Engine.builder()
        .registry(StepRegistry.empty().register(new MathSteps.Module()))
        .referenceStore(new FileDatumStore(temp.resolve("values")))
        .maxConcurrency(4)
        .build();
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  @Test
  void runsTheGraphAndReturnsEveryValue() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep a = MathSteps.add(x, 1);
    AddStep b = MathSteps.add(x, 10);
    AddStep sum = MathSteps.add(a.out(), b.out());
    Workflow workflow = Workflow.of("sum", sum.out());

    RunResult result = engine.run(workflow, Bind.inputs(workflow, Map.of("x", 5)));

    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(result.get(sum.out())).isEqualTo(6 + 15);
    assertThat(result.get(a.out())).isEqualTo(6);
    assertThat(result.get(x)).isEqualTo(5);
    assertThat(result.outputs()).containsExactly(Map.entry(sum.out(), 21));
    assertThat(result.history()).hasSize(3).allSatisfy(record -> {
      assertThat(record.status()).isEqualTo(StepStatus.SUCCEEDED);
      assertThat(record.endedAt()).isAfterOrEqualTo(record.startedAt());
      assertThat(record.duration().isNegative()).isFalse();
    });
    assertThat(result.step(sum).startedAt()).isAfterOrEqualTo(result.step(a).endedAt());
    assertThat(result.step(sum).startedAt()).isAfterOrEqualTo(result.step(b).endedAt());
  }

  @Test
  void referenceOutputsAreStoredAsFilesUnderTheStoreRoot() {
    var range = MathSteps.range(Cell.input("n", Integer.class));
    RunResult result = engine.run(Workflow.of("range", range.out()), Bind.inputs(Workflow.of("range", range.out()), Map.of("n", 4)));
    assertThat(result.get(range.out())).containsExactly(0, 1, 2, 3);
    Path file = Path.of(result.location(range.out()));
    assertThat(file).exists().startsWith(temp.resolve("values"));

    result.discard();
    assertThat(file).doesNotExist();
    assertThatThrownBy(() -> result.get(range.out()))
        .isInstanceOf(dev.fancy.store.DatumStoreException.class)
        .hasMessageContaining("no stored value");
    assertThat(result.history()).hasSize(1);
  }

  @Test
  void valuesLiveInTheRunUntilDiscardedAndEachRunHasItsOwn() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep a = MathSteps.add(x, 1);
    Workflow workflow = Workflow.of("values", a.out());
    RunResult first = engine.run(workflow, Inputs.of(x, 1));
    RunResult second = engine.run(workflow, Inputs.of(x, 10));
    assertThat(first.location(a.out()).getScheme()).isEqualTo("mem");

    first.discard();

    assertThatThrownBy(() -> first.get(a.out()))
        .isInstanceOf(dev.fancy.store.DatumStoreException.class)
        .hasMessage("no value of cell '" + a.out().alias() + "' (" + a.out().id() + ") in run "
            + first.runId() + ": the run's values were discarded");
    assertThat(second.get(a.out())).isEqualTo(11);
    assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(first.history()).hasSize(1);
  }

  @Test
  void independentStepsRunInParallel() {
    CountDownLatch bothStarted = new CountDownLatch(2);
    StepRegistry registry = StepRegistry.empty().register(new StepDefinition("test.meet", 1, "",
        Contract.of(List.of(Port.of("a", MathSteps.INT)), List.of(Port.of("out", MathSteps.INT))),
        (step, args) -> {
          bothStarted.countDown();
          // Deadlocks (and fails) unless both branches run at the same time.
          if (!bothStarted.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the other branch never started");
          }
          return new Object[] {args[0]};
        }));
    Cell<Integer> x = Cell.input("x", Integer.class);
    WorkflowStep left = new Meet(x);
    WorkflowStep right = new Meet(x).named("right"); // a second call with the same input
    try (Engine parallel = Engine.builder().registry(registry).maxConcurrency(2).build()) {
      RunResult result = parallel.run(Workflow.of("meet", left.outputCells().get(0),
          right.outputCells().get(0)), Bind.inputs(Workflow.of("meet", left.outputCells().get(0),
          right.outputCells().get(0)), Map.of("x", 1)));
      assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    }
  }

  @Test
  void concurrencyIsBounded() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CountDownLatch threeRunning = new CountDownLatch(3);
    StepRegistry registry = StepRegistry.empty().register(new StepDefinition("test.meet", 1, "",
        Contract.of(List.of(Port.of("a", MathSteps.INT)), List.of(Port.of("out", MathSteps.INT))),
        (step, args) -> {
          peak.accumulateAndGet(running.incrementAndGet(), Math::max);
          threeRunning.countDown();
          // The first three wait for each other: three run at once, so the bound is reached.
          if (!threeRunning.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("three steps never ran at the same time");
          }
          running.decrementAndGet();
          return new Object[] {args[0]};
        }));
    Cell<Integer> x = Cell.input("x", Integer.class);
    List<Cell<?>> outputs = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      outputs.add(new Meet(x).named("meet" + i).outputCells().get(0));
    }
    try (Engine bounded = Engine.builder().registry(registry).maxConcurrency(3).build()) {
      RunResult result = bounded.run(Workflow.of("wide", outputs), Bind.inputs(Workflow.of("wide", outputs), Map.of("x", 1)));
      assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    }
    assertThat(peak.get()).as("reached, never exceeded").isEqualTo(3);
  }

  @Test
  void aFailureFailsTheRunSkipsDependentsAndKeepsIndependentBranches() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    var failing = MathSteps.fail(x);
    AddStep dependent = MathSteps.add(failing.out(), 1);
    AddStep transitive = MathSteps.add(dependent.out(), 1);
    AddStep independent = MathSteps.add(x, 100);
    Workflow workflow = Workflow.of("partial", transitive.out(), independent.out());

    RunResult result = engine.run(workflow, Bind.inputs(workflow, Map.of("x", 7)));

    assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    StepRecord failed = result.step(failing);
    assertThat(failed.status()).isEqualTo(StepStatus.FAILED);
    assertThat(failed.error().type()).isEqualTo("java.lang.IllegalStateException");
    assertThat(failed.error().message()).isEqualTo("boom at 7");
    assertThat(result.step(dependent).status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(result.step(transitive).status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(result.step(transitive).error().message())
        .isEqualTo("skipped because step 'math.fail' (" + failing.id() + ") failed");
    assertThat(result.step(independent).status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(result.get(independent.out())).isEqualTo(107);
    assertThat(result.outputs()).containsOnlyKeys(independent.out());
    assertThat(result.failure()).get().isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> result.get(transitive.out()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("step 'math.add' was skipped");
    assertThatThrownBy(result::requireSucceeded)
        .isInstanceOf(RunFailedException.class)
        .hasMessageContaining("failed at step 'math.fail': java.lang.IllegalStateException: boom at 7")
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void badInputsAreRejectedBeforeAnyStepRuns() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Workflow workflow = Workflow.of("sum", MathSteps.add(x, 1).out());

    assertThatThrownBy(() -> engine.run(workflow, Bind.inputs(workflow, Map.of())))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("workflow input 'x' (java.lang.Integer) has no value; give it a "
            + "value");
    assertThatThrownBy(() -> engine.run(workflow, Bind.inputs(workflow, Map.of("x", 1, "y", 2))))
        .hasMessageContaining("'y' is not an input of workflow 'sum'; its inputs are [x]");
    assertThatThrownBy(() -> engine.run(workflow, Bind.inputs(workflow, Map.of("x", "one"))))
        .hasMessageContaining("workflow input 'x' must be a java.lang.Integer but is string "
            + "\"one\", which does not convert");
    java.util.Map<String, Object> nullInput = new java.util.HashMap<>();
    nullInput.put("x", null);
    assertThatThrownBy(() -> engine.run(workflow, Bind.inputs(workflow, nullInput)))
        .hasMessageContaining("workflow input 'x' is null, but step 'math.add' reads it as int");
    assertThat(MathSteps.EXECUTIONS).hasValue(0);
  }

  @Test
  void unknownStepsAndVersionsAreRejectedBeforeAnyStepRuns() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Workflow workflow = Workflow.of("sum", MathSteps.add(x, 1).out());
    try (Engine empty = Engine.builder().registry(StepRegistry.empty()).build()) {
      assertThatThrownBy(() -> empty.run(workflow, Bind.inputs(workflow, Map.of("x", 1))))
          .isInstanceOf(WorkflowValidationException.class)
          .hasMessageContaining("calls math.add@1, which is not registered; register the module "
              + "that defines it");
    }
    String json = workflow.toJson().replace("\"version\" : 1", "\"version\" : 3");
    assertThatThrownBy(() -> engine.run(Workflow.fromJson(json), Bind.inputs(Workflow.fromJson(json), Map.of("x", 1))))
        .hasMessageContaining("calls math.add@3, which is not registered; registered versions are [1]");
    assertThat(MathSteps.EXECUTIONS).hasValue(0);
  }

  @Test
  void wiringProblemsInJsonAreReportedWithStepAndCell() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep add = MathSteps.add(x, 1);
    String json = Workflow.of("sum", add.out()).toJson();

    String mistyped = json.replace("\"type\" : \"java.lang.Integer\"",
        "\"type\" : \"java.lang.String\"");
    assertThatThrownBy(() -> engine.validate(Workflow.fromJson(mistyped)))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("step 'math.add' (" + add.id() + ") input 'a' expects int but cell "
            + "'x' (" + x.id() + ") is a java.lang.String");

    String unbound = json.replace("\"a\" : \"" + x.id() + "\",", "\"c\" : \"" + x.id() + "\",");
    assertThatThrownBy(() -> engine.validate(Workflow.fromJson(unbound)))
        .hasMessageContaining("input 'a' has no binding; wire a cell of type int into it")
        .hasMessageContaining("has an input 'c' that its contract does not declare");

    String wrongOutput = json.replace("\"alias\" : \"add.out\",\n      \"type\" : \"int\"",
        "\"alias\" : \"add.out\",\n      \"type\" : \"long\"");
    assertThatThrownBy(() -> engine.validate(Workflow.fromJson(wrongOutput)))
        .hasMessageContaining("output 'out' is a VALUE cell of type long but the contract "
            + "declares a VALUE int");
  }

  @Test
  void aWorkflowReadFromJsonRunsWithOnlyTheRegistry() throws Exception {
    String json;
    try (var in = EngineTest.class.getResourceAsStream("/workflows/sum.json")) {
      json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    Workflow workflow = Workflow.fromJson(json);
    RunResult result = engine.run(workflow, Bind.inputs(workflow, Map.of("x", 1)));
    assertThat(result.requireSucceeded().get(workflow.outputs().get(0))).isEqualTo(42);
  }

  @Test
  void defaultRegistryFindsNoModulesButTheBuiltins() {
    assertThat(StepRegistry.loadDefault().definitions()).extracting(StepDefinition::slug)
        .containsExactly("fancy.composite.group", "fancy.composite.ungroup",
            "fancy.flow.conditional", "fancy.flow.loop", "fancy.flow.map", "fancy.flow.parallel",
            "fancy.flow.router", "fancy.flow.subworkflow");
  }

  @Test
  void aClosedEngineRefusesRuns() {
    Workflow workflow = Workflow.of("sum", MathSteps.add(Cell.input("x", Integer.class), 1).out());
    engine.close();
    assertThatThrownBy(() -> engine.run(workflow, Bind.inputs(workflow, Map.of("x", 1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the engine is closed; build a new one to run workflows");
  }

  @Test
  void longChainsRun() {
    Cell<Integer> cell = Cell.input("x", Integer.class);
    for (int i = 0; i < 20_000; i++) {
      cell = MathSteps.add(cell, 1).out();
    }
    RunResult result = engine.run(Workflow.of("chain", cell), Bind.inputs(Workflow.of("chain", cell), Map.of("x", 0)));
    assertThat(result.get(cell)).isEqualTo(20_000);
  }

  /** A step shaped like generated code for {@code test.meet}. */
  private static final class Meet extends WorkflowStep {
    Meet(Cell<Integer> a) {
      super("test.meet", 1, Contract.of(List.of(Port.of("a", MathSteps.INT)),
          List.of(Port.of("out", ValueType.of(Integer.class, "int")))), a);
    }
  }
}
