package dev.fancy.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunStatus;
import dev.fancy.value.TypeRef;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.ReplayResults;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Temporal's determinism check on the interpreter: every history under
 * {@code src/test/resources/histories} (recorded with an earlier interpreter) must replay with
 * today's. To record the current interpreter's histories of the workflows below, run this test
 * with {@code -Dfancy.recordHistories=true}: it writes the histories that are missing; commit
 * them, and never change old ones.
 */
class ReplayTest {

  private static final Path HISTORIES = Path.of("src", "test", "resources", "histories");
  private static final String RECORDED_WITH = "v" + Interpreter.VERSION;

  static final ValueType<Boolean> BOOLEAN = ValueType.of(boolean.class);
  static final Contract BELOW = Contract.of(
      List.of(Port.of("a", MathSteps.INT), Port.of("b", MathSteps.INT)),
      List.of(Port.of("out", BOOLEAN)));

  static final Contract RESCUE = Contract.of(
      List.of(Port.of("failure", ValueType.of(dev.fancy.frame.StepFailure.class)),
          Port.of("a", MathSteps.INT)),
      List.of(Port.of("out", MathSteps.INT)));

  /** A validator of an int output. */
  public static final class AtLeastTen implements dev.fancy.workflow.OutputValidator<Integer> {
    @Override
    public String problem(Integer output) {
      return output >= 10 ? null : output + " is below 10";
    }
  }

  static StepRegistry registry() {
    return StepRegistry.empty().register(new MathSteps.Module())
        .register(new StepDefinition("test.below", 1, "", BELOW,
            (frame, args) -> new Object[] {(Integer) args[0] < (Integer) args[1]}))
        .registerValidator(new AtLeastTen())
        .register(new StepDefinition("test.rescue", 1, "", RESCUE,
            (frame, args) -> new Object[] {-(Integer) args[1]}))
        .register(Call.intStep("test.grow", (frame, args) -> new Object[] {5 * frame.attempt()}))
        .register(Call.intStep("test.flaky", (frame, args) -> {
          if (frame.attempt() < 3) {
            throw new java.io.IOException("flaky " + frame.attempt());
          }
          return new Object[] {args[0]};
        }));
  }

  /** The workflows whose histories are recorded, by name, with their inputs. */
  static Map<String, Map.Entry<Workflow, Inputs>> cases() {
    Map<String, Map.Entry<Workflow, Inputs>> cases = new LinkedHashMap<>();
    Cell<Integer> x = Cell.input("x", Integer.class);
    cases.put("chain", Map.entry(Workflow.of("chain",
        MathSteps.add(MathSteps.add(x, 1).out(), x).out()), Inputs.of(x, 1)));
    cases.put("failure", Map.entry(Workflow.of("failure",
        MathSteps.add(MathSteps.fail(x).out(), 1).out(), MathSteps.add(x, 2).out()),
        Inputs.of(x, 1)));
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    cases.put("map", Map.entry(Workflow.of("map",
        Flow.map(numbers, 2, n -> MathSteps.add(n, 10).out())), Inputs.of(numbers,
        List.of(1, 2, 3))));
    Cell<Boolean> big = Cell.input("big", Boolean.class);
    cases.put("if-else", Map.entry(Workflow.of("if-else", Flow.ifElse(big,
        () -> MathSteps.add(x, 1000).out(), () -> MathSteps.add(x, 1).out())),
        Inputs.of(big, true).and(x, 1)));
    Cell<Integer> until = Cell.input("until", Integer.class);
    cases.put("loop", Map.entry(Workflow.of("loop", Flow.loop(x, 10, n -> {
      Cell<Integer> next = MathSteps.add(n, 1).out();
      return Flow.next(next, new Call<Boolean>("test.below", BELOW, next, until).out());
    })), Inputs.of(x, 0).and(until, 3)));
    List<java.util.function.Supplier<Cell<Integer>>> bodies = List.of(
        () -> MathSteps.add(x, 1).out(), () -> MathSteps.add(x, 2).out());
    List<Cell<?>> branches = new ArrayList<>(Flow.parallel(2, bodies));
    branches.add(Flow.subWorkflow("inner", () -> MathSteps.add(x, 3).out()));
    cases.put("parallel-sub-workflow", Map.entry(Workflow.of("parallel", branches),
        Inputs.of(x, 1)));
    Call<Integer> flaky = new Call<>("test.flaky", Call.unary(MathSteps.INT), x);
    flaky.options(StepOptions.DEFAULT.withRetry(
        new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of())));
    cases.put("retry", Map.entry(Workflow.of("retry", flaky.out()), Inputs.of(x, 5)));
    Call<Integer> rescued = new Call<>("math.fail", Call.unary(MathSteps.INT), x);
    rescued.options(StepOptions.DEFAULT.withFallback("test.rescue", 1));
    Call<Integer> grown = new Call<>("test.grow", Call.unary(MathSteps.INT), x);
    grown.options(StepOptions.DEFAULT.withRetry(
        new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of())))
        .validate(grown.out(), new AtLeastTen());
    cases.put("fallback-validator", Map.entry(Workflow.of("policies", rescued.out(),
        grown.out()), Inputs.of(x, 3)));
    Cell<List<String>> routes = Cell.input("routes", new TypeRef<List<String>>() {});
    Cell<Map<String, Integer>> routed = Flow.route(routes)
        .when("a", () -> MathSteps.add(x, 1).out())
        .when("b", () -> MathSteps.add(x, 2).out())
        .end();
    cases.put("router", Map.entry(Workflow.of("router", routed),
        Inputs.of(routes, List.of("b")).and(x, 1)));
    Cell<String> text = Cell.input("text", String.class);
    dev.fancy.workflow.Composite.Group group = dev.fancy.workflow.Composite.group(
        Map.of("sum", MathSteps.add(x, 1).out(), "loud", MathSteps.shout(text).out()));
    cases.put("composite", Map.entry(Workflow.of("composite", group.out()),
        Inputs.of(x, 1).and(text, "hi")));
    return cases;
  }

  @Test
  void everyCommittedHistoryReplaysOnTodaysInterpreter() throws Exception {
    if (Boolean.getBoolean("fancy.recordHistories")) {
      record();
    }
    List<WorkflowExecutionHistory> histories = new ArrayList<>();
    try (Stream<Path> files = Files.list(HISTORIES)) {
      for (Path file : files.sorted().toList()) {
        histories.add(WorkflowExecutionHistory.fromJson(Files.readString(file),
            file.getFileName().toString()));
      }
    }
    assertThat(histories).as("committed histories")
        .hasSizeGreaterThanOrEqualTo(cases().size() + 2);
    try (TestWorkflowEnvironment environment = environment()) {
      Worker worker = replayWorker(environment);
      FancyWorker.registerInterpreter(worker,
          new ClaimedValues(null, ValueCodec.defaults()));
      ReplayResults results = WorkflowReplayer.replayWorkflowExecutions(histories, false,
          worker);
      assertThat(results.allErrors()).as("replay errors")
          .extracting(error -> error.workflowId + ": " + error.exception).isEmpty();
    }
  }

  @Test
  void aHistoryOfAnotherWorkflowFailsTheReplay() throws Exception {
    String chain = Files.readString(HISTORIES.resolve("chain-" + RECORDED_WITH + ".json"));
    String map = Files.readString(HISTORIES.resolve("map-" + RECORDED_WITH + ".json"));
    // The chain's events with the map's workflow as its argument: other commands follow.
    WorkflowExecutionHistory chainHistory = WorkflowExecutionHistory.fromJson(chain);
    WorkflowExecutionHistory mapHistory = WorkflowExecutionHistory.fromJson(map);
    var events = new ArrayList<>(chainHistory.getEvents());
    events.set(0, mapHistory.getEvents().get(0));
    WorkflowExecutionHistory spliced = new WorkflowExecutionHistory(
        io.temporal.api.history.v1.History.newBuilder().addAllEvents(events).build());
    try (TestWorkflowEnvironment environment = environment()) {
      Worker worker = replayWorker(environment);
      FancyWorker.registerInterpreter(worker,
          new ClaimedValues(null, ValueCodec.defaults()));
      ReplayResults results = WorkflowReplayer.replayWorkflowExecutions(List.of(spliced), false,
          worker);
      assertThat(results.allErrors()).as("a history the interpreter would not produce")
          .isNotEmpty();
    }
  }

  /**
   * A worker that replays without Temporal's one-second deadlock detection: what is checked here
   * is determinism, and on a loaded machine a cold JVM's first workflow task (class loading, the
   * first JSON parse) took more than a second, which failed the first history's replay.
   */
  private static Worker replayWorker(TestWorkflowEnvironment environment) {
    return environment.newWorker("replay", io.temporal.worker.WorkerOptions.newBuilder()
        .setDefaultDeadlockDetectionTimeout(Duration.ofMinutes(1).toMillis()).build());
  }

  private static TestWorkflowEnvironment environment() {
    return TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setUseTimeskipping(false)
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
            .setDataConverter(FancyPayloadConverter.dataConverter(ValueCodec.defaults(), null))
            .build())
        .build());
  }

  private static void record() throws IOException {
    Files.createDirectories(HISTORIES);
    try (TestWorkflowEnvironment environment = InProcessTemporal.newEnvironment();
        TemporalEngine engine = InProcessTemporal.engine(environment, "record", registry())
            .localWorker(true).build()) {
      for (Map.Entry<String, Map.Entry<Workflow, Inputs>> entry : cases().entrySet()) {
        Path file = HISTORIES.resolve(entry.getKey() + "-" + RECORDED_WITH + ".json");
        if (Files.exists(file)) {
          continue; // a committed history never changes
        }
        RunHandle run = engine.start(entry.getValue().getKey(), entry.getValue().getValue());
        assertThat(run.await(Duration.ofMinutes(1))).isIn(RunStatus.SUCCEEDED, RunStatus.FAILED);
        String json = engine.client().fetchHistory(run.id().toString()).toJson(true);
        Files.writeString(file, json);
      }
    }
    recordContinuedAsNew(HISTORIES.resolve("continue-as-new-first-" + RECORDED_WITH + ".json"),
        HISTORIES.resolve("continue-as-new-last-" + RECORDED_WITH + ".json"));
  }

  /**
   * A chain of ten steps on an engine whose executions continue as new after 20 history events:
   * the first execution's history (it ends by continuing as new) and the last one's (it starts
   * from the carried state).
   */
  private static void recordContinuedAsNew(Path first, Path last) throws IOException {
    if (Files.exists(first) && Files.exists(last)) {
      return;
    }
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<Integer> cell = x;
    for (int i = 0; i < 10; i++) {
      cell = MathSteps.add(cell, 1).out();
    }
    try (TestWorkflowEnvironment environment = InProcessTemporal.newEnvironment();
        TemporalEngine engine = InProcessTemporal.engine(environment, "record", registry())
            .continueAsNewAfter(20).localWorker(true).build()) {
      RunHandle run = engine.start(Workflow.of("continued chain", cell), Inputs.of(x, 0));
      assertThat(run.await(Duration.ofMinutes(1))).isEqualTo(RunStatus.SUCCEEDED);
      String id = run.id().toString();
      String firstRun = engine.client().newUntypedWorkflowStub(id).describe().getFirstRunId();
      Files.writeString(first, engine.client().fetchHistory(id, firstRun).toJson(true));
      Files.writeString(last, engine.client().fetchHistory(id).toJson(true));
    }
  }
}
