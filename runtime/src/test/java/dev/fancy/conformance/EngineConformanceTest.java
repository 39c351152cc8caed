package dev.fancy.conformance;

import static dev.fancy.conformance.ConformanceSteps.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fancy.conformance.ConformanceSteps.DivMod;
import dev.fancy.conformance.ConformanceSteps.Sky;
import dev.fancy.conformance.ConformanceSteps.Tally;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.LogCapture;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.fixtures.Poll;
import dev.fancy.frame.StepFailure;
import dev.fancy.frame.Usage;
import dev.fancy.frame.UsageLimits;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.Capabilities;
import dev.fancy.run.Capability;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.EventSubscription;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunFailedException;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunNotFoundException;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.value.TypeRef;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Composite;
import dev.fancy.workflow.CompositeValue;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The engine conformance suite: the same workflows, run through the engine contract only, on
 * every {@link WorkflowEngine}. A subclass says how to make its engine over a registry; a feature
 * an engine lacks ({@link WorkflowEngine#capabilities()}) is skipped with the engine's reason,
 * which the test report shows.
 *
 * <p>Steps run in the test's JVM on every engine of the suite (the Temporal engine runs it with
 * in-process workers), so the steps' counters and latches are plain objects.
 */
public abstract class EngineConformanceTest {

  /** How long a test waits for something that should happen quickly. */
  protected static final Duration PATIENCE = Duration.ofSeconds(30);

  private static final RetryPolicy THREE_QUICK =
      new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of());

  /** The steps of this test, with their own counters and latches. */
  protected final ConformanceSteps steps = new ConformanceSteps();
  private final List<WorkflowEngine> engines = new ArrayList<>();

  /**
   * A new engine over {@code registry}, closed by the suite after the test.
   *
   * @param registry every step the test's workflows use
   */
  protected abstract WorkflowEngine newEngine(StepRegistry registry);

  /** The engine of this test, over the conformance steps. */
  protected final WorkflowEngine engine() {
    if (engines.isEmpty()) {
      engines.add(newEngine(steps.registry()));
    }
    return engines.get(0);
  }

  @AfterEach
  final void closeEngines() {
    steps.release.countDown();
    steps.chunkSeen.countDown();
    for (WorkflowEngine engine : engines) {
      engine.close();
    }
    afterEnginesClosed();
  }

  /** Releases what {@link #newEngine} opened besides the engine; called after it is closed. */
  protected void afterEnginesClosed() {}

  /**
   * The logger through which this engine warns when the code of an attempt that timed out
   * returns, or null if it does not; the suite asserts those lines so that they do not print.
   */
  protected String lingeringLogger() {
    return "dev.fancy.internal.core.Lingering";
  }

  /** Skips the test, with the engine's reason, unless the engine has {@code capability}. */
  protected final void assumeSupports(Capability capability) {
    Capabilities capabilities = engine().capabilities();
    Assumptions.assumeTrue(capabilities.supports(capability), () -> engine().getClass()
        .getSimpleName() + " lacks " + capability + ": "
        + capabilities.reasonMissing(capability).orElse(""));
  }

  // ---------------------------------------------------------------- plain steps and outputs

  @Test
  void plainStepsRunAndEveryValueIsReadable() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    MathSteps.AddStep first = MathSteps.add(x, 1);
    MathSteps.AddStep second = MathSteps.add(first.out(), x);
    Workflow workflow = Workflow.of("plain", second.out());

    RunResult result = engine().run(workflow, Inputs.of(x, 20));

    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(result.get(second.out())).isEqualTo(41);
    assertThat(result.get(first.out())).as("intermediate values are readable").isEqualTo(21);
    assertThat(result.get(x)).isEqualTo(20);
    assertThat(result.outputs()).containsExactly(Map.entry(second.out(), 41));
    assertThat(result.history()).extracting(StepRecord::slug, StepRecord::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("math.add", StepStatus.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple("math.add", StepStatus.SUCCEEDED));
    assertThat(result.step(first).attempts()).singleElement().satisfies(attempt -> {
      assertThat(attempt.status()).isEqualTo(AttemptStatus.SUCCEEDED);
      assertThat(attempt.attempt()).isEqualTo(1);
    });
    assertThat(result.info().workflowName()).isEqualTo("plain");
    assertThat(result.runHistory().steps()).hasSize(2);
  }

  @Test
  void aWorkflowReadFromJsonRunsLikeTheOriginal() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    MathSteps.AddStep add = MathSteps.add(x, 2);
    Workflow read = Workflow.fromJson(Workflow.of("json", add.out()).toJson());
    RunResult result = engine().run(read,
        engine().inputsFromJson(read, engine().codec().toTree(Map.of("x", 40))));
    assertThat(result.get(read.outputs().get(0))).isEqualTo(42);
  }

  @Test
  void aStepWithSeveralOutputsFeedsSeveralSteps() {
    Cell<Integer> a = Cell.input("a", Integer.class);
    Cell<Integer> b = Cell.input("b", Integer.class);
    DivMod divmod = new DivMod(a, b);
    MathSteps.AddStep sum = MathSteps.add(divmod.quotient(), divmod.remainder());
    MathSteps.AddStep twice = MathSteps.add(divmod.remainder(), divmod.remainder());

    RunResult result = engine().run(Workflow.of("n-to-m", sum.out(), twice.out()),
        Inputs.of(a, 17).and(b, 5));

    assertThat(result.get(divmod.quotient())).isEqualTo(3);
    assertThat(result.get(divmod.remainder())).isEqualTo(2);
    assertThat(result.get(sum.out())).isEqualTo(5);
    assertThat(result.get(twice.out())).isEqualTo(4);
    assertThat(steps.executions("test.divmod")).as("one execution feeds both").isEqualTo(1);
  }

  @Test
  void compositesGroupAndUngroupTypedCells() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    MathSteps.AddStep sum = MathSteps.add(x, 1);
    Cell<String> text = Cell.input("text", String.class);
    MathSteps.UnaryStep<String> loud = MathSteps.shout(text);
    Composite.Group group = Composite.group(Map.of("sum", sum.out(), "loud", loud.out()));
    Composite.Ungroup parts = Composite.ungroup(group.out());
    MathSteps.AddStep plus = MathSteps.add(parts.member(sum.out()), 10);
    Workflow workflow = Workflow.of("bundle", plus.out(), parts.member(loud.out()), group.out());

    RunResult result = engine().run(workflow, Inputs.of(x, 1).and(text, "hi"));

    assertThat(result.get(plus.out())).isEqualTo(12);
    assertThat(result.get(parts.member(loud.out()))).isEqualTo("HI");
    CompositeValue composite = result.get(group.out());
    assertThat(composite.members()).containsExactly(Map.entry("loud", "HI"), Map.entry("sum", 2));
  }

  @SuppressWarnings("unchecked")
  private static <T> Cell<T> cast(Cell<?> cell, Class<T> type) {
    return (Cell<T>) cell;
  }

  // ---------------------------------------------------------------- control flow

  @Test
  void subWorkflowsNestAndCaptureOuterCells() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<Integer> ten = MathSteps.add(x, 9).out();
    Cell<Integer> result = Flow.subWorkflow("middle", () -> {
      Cell<Integer> inner = Flow.subWorkflow("inner", () -> MathSteps.add(x, 1).out());
      return MathSteps.add(inner, ten).out();
    });
    Cell<Integer> argument = Flow.subWorkflow("plus one", result, n -> MathSteps.add(n, 1).out());
    RunResult run = engine().run(Workflow.of("outer", argument), Inputs.of(x, 5));
    assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(run.get(result)).isEqualTo(6 + 14);
    assertThat(run.get(argument)).isEqualTo(21);
  }

  @Test
  void mapRunsTheBodyPerElementInOrder() {
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    Cell<Integer> offset = Cell.input("offset", Integer.class);
    Cell<List<Integer>> shifted = Flow.map(numbers, 3, n -> MathSteps.add(n, offset).out());
    List<Integer> input = IntStream.range(0, 12).boxed().toList();

    RunResult run = engine().run(Workflow.of("map", shifted),
        Inputs.of(numbers, input).and(offset, 100));

    assertThat(run.get(shifted)).isEqualTo(input.stream().map(i -> i + 100).toList());
  }

  @Test
  void mapFailsWhenAnElementFailsAndNamesIt() {
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    Cell<List<Integer>> failed = Flow.map(numbers, 2, n -> MathSteps.fail(n).out());
    RunResult run = engine().run(Workflow.of("map", failed), Inputs.of(numbers, List.of(4, 5)));
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.history().get(0).status()).isEqualTo(StepStatus.FAILED);
    assertThat(run.history().get(0).error().message()).contains("boom at 4", "boom at 5");
  }

  @Test
  void ifElseRunsOnlyTheChosenBranch() {
    Cell<Boolean> big = Cell.input("big", Boolean.class);
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<Integer> out = Flow.ifElse(big, () -> MathSteps.add(x, 1000).out(),
        () -> MathSteps.add(x, 1).out());
    Workflow workflow = Workflow.of("choose", out);
    assertThat(engine().run(workflow, Inputs.of(big, true).and(x, 1)).get(out)).isEqualTo(1001);
    assertThat(engine().run(workflow, Inputs.of(big, false).and(x, 1)).get(out)).isEqualTo(2);
  }

  @Test
  void aSwitchOnAnEnumRunsTheBranchOfItsValue() {
    Cell<Sky> sky = Cell.input("sky", Sky.class);
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<Integer> out = Flow.switchOn(sky)
        .when(Sky.RAIN, () -> MathSteps.add(x, 1).out())
        .when(Sky.SUN, () -> MathSteps.add(x, 2).out())
        .when(Sky.FOG, () -> x)
        .end();
    Workflow workflow = Workflow.of("switch", out);
    assertThat(engine().run(workflow, Inputs.of(sky, Sky.SUN).and(x, 10)).get(out)).isEqualTo(12);
    assertThat(engine().run(workflow, Inputs.of(sky, Sky.FOG).and(x, 10)).get(out)).isEqualTo(10);
  }

  @Test
  void aRouterRunsTheBranchesOfTheRoutedKeys() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<List<Sky>> routes = Cell.input("routes", new TypeRef<List<Sky>>() {});
    Cell<Map<Sky, Integer>> results = Flow.route(routes)
        .when(Sky.RAIN, () -> MathSteps.add(x, 1).out())
        .when(Sky.SUN, () -> MathSteps.add(x, 2).out())
        .when(Sky.FOG, () -> MathSteps.add(x, 3).out())
        .end();
    RunResult run = engine().run(Workflow.of("route", results),
        Inputs.of(routes, List.of(Sky.FOG, Sky.SUN)).and(x, 10));
    assertThat(run.get(results)).containsOnly(Map.entry(Sky.SUN, 12), Map.entry(Sky.FOG, 13));
  }

  @Test
  void loopsCarryTheirStateAndAreBounded() {
    Cell<Integer> start = Cell.input("start", Integer.class);
    Cell<Integer> until = Cell.input("until", Integer.class);
    Cell<Integer> counted = Flow.loop(start, 10, n -> {
      Cell<Integer> next = MathSteps.add(n, 1).out();
      return Flow.next(next, new Call<Boolean>("test.below", ConformanceSteps.BELOW, next, until)
          .out());
    });
    Workflow workflow = Workflow.of("loop", counted);

    assertThat(engine().run(workflow, Inputs.of(start, 0).and(until, 5)).get(counted))
        .isEqualTo(5);
    RunResult unbounded = engine().run(workflow, Inputs.of(start, 0).and(until, 100));
    assertThat(unbounded.status()).isEqualTo(RunStatus.FAILED);
    assertThat(unbounded.history().get(0).error().message()).contains("maximum of 10 iterations");
  }

  @Test
  void parallelBranchesAllRun() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<String> text = Cell.input("text", String.class);
    Flow.Pair<Integer, String> both = Flow.parallel(2, () -> MathSteps.add(x, 1).out(),
        () -> MathSteps.shout(text).out());
    List<Cell<Integer>> three = Flow.parallel(3, List.of(() -> MathSteps.add(x, 1).out(),
        () -> MathSteps.add(x, 2).out(), () -> MathSteps.add(x, 3).out()));
    List<Cell<?>> outputs = new ArrayList<>(List.of(both.first(), both.second()));
    outputs.addAll(three);
    RunResult run = engine().run(Workflow.of("both", outputs), Inputs.of(x, 1).and(text, "hi"));
    assertThat(run.get(both.first())).isEqualTo(2);
    assertThat(run.get(both.second())).isEqualTo("HI");
    assertThat(three).extracting(run::get).containsExactly(2, 3, 4);
  }

  // ---------------------------------------------------------------- policies

  @Test
  void retriesUntilAnAttemptSucceedsAndRecordsEveryAttempt() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> flaky = call("test.flaky", x);
    flaky.options(StepOptions.DEFAULT.withRetry(THREE_QUICK));

    RunResult result = engine().run(Workflow.of("retry", flaky.out()), Inputs.of(x, 10));

    assertThat(result.get(flaky.out())).isEqualTo(13);
    StepRecord record = result.step(flaky);
    assertThat(record.attempts()).extracting(AttemptRecord::attempt).containsExactly(1, 2, 3);
    assertThat(record.attempts()).extracting(AttemptRecord::status).containsExactly(
        AttemptStatus.FAILED, AttemptStatus.FAILED, AttemptStatus.SUCCEEDED);
    assertThat(record.attempts().get(0).error().type()).isEqualTo(IOException.class.getName());
    assertThat(record.attempts().get(1).error().message()).isEqualTo("flaky disk 2");
  }

  @Test
  void errorsExcludedFromRetriesFailAtOnce() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> never = call("test.bad_argument", x);
    never.options(StepOptions.DEFAULT.withRetry(
        THREE_QUICK.neverRetryOn(IllegalArgumentException.class)));
    RunResult result = engine().run(Workflow.of("never", never.out()), Inputs.of(x, 1));
    assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    assertThat(result.step(never).attempts()).hasSize(1);
    assertThat(result.step(never).error().type())
        .isEqualTo(IllegalArgumentException.class.getName());
    assertThat(result.step(never).error().retryable()).isFalse();

    Call<Integer> onlyIo = call("test.bad_argument", x);
    onlyIo.options(StepOptions.DEFAULT.withRetry(THREE_QUICK.retryOn(IOException.class)));
    RunResult other = engine().run(Workflow.of("only-io", onlyIo.out()), Inputs.of(x, 2));
    assertThat(other.step(onlyIo).attempts()).hasSize(1);
    assertThat(steps.executions("test.bad_argument")).isEqualTo(2);
  }

  @Test
  void aFallbackRunsWithTheFailureWhenEveryAttemptFailed() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> flaky = call("test.flaky", x);
    flaky.options(StepOptions.DEFAULT.withRetry(
        new RetryPolicy(2, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of()))
        .withFallback("test.rescue", 1));

    RunResult result = engine().run(Workflow.of("fallback", flaky.out()), Inputs.of(x, 7));

    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(result.get(flaky.out())).isEqualTo(-7);
    assertThat(result.step(flaky).fallbackUsed()).isTrue();
    assertThat(steps.rescued).containsExactly(
        new StepFailure("test.flaky", 2, IOException.class.getName(), "flaky disk 2"));
  }

  @Test
  void validatorsRunInsideTheRetryLoop() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> passes = call("test.grow", x);
    passes.options(StepOptions.DEFAULT.withRetry(THREE_QUICK))
        .validate(passes.out(), new ConformanceSteps.AtLeastTen());
    RunResult result = engine().run(Workflow.of("valid", passes.out()), Inputs.of(x, 0));
    assertThat(result.get(passes.out())).isEqualTo(10);
    assertThat(result.step(passes).attempts()).extracting(AttemptRecord::status)
        .containsExactly(AttemptStatus.VALIDATION_FAILED, AttemptStatus.SUCCEEDED);

    Call<Integer> fails = call("test.grow", x);
    fails.validate(fails.out(), new ConformanceSteps.AtLeastTen());
    RunResult failed = engine().run(Workflow.of("invalid", fails.out()), Inputs.of(x, 0));
    assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
    assertThat(failed.step(fails).error().message()).contains("5 is below 10");
  }

  @Test
  void anAttemptOverItsTimeoutIsStoppedAndRecordedTimedOut() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> sleepy = call("test.sleepy", x);
    sleepy.options(StepOptions.DEFAULT.withTimeout(Duration.ofMillis(300)).withRetry(
        new RetryPolicy(2, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of())));

    RunResult result;
    try (LogCapture logs = lingeringLogger() == null ? null : LogCapture.of(lingeringLogger())) {
      result = engine().run(Workflow.of("sleepy", sleepy.out()), Inputs.of(x, 1));
      for (int attempt = 1; logs != null && attempt <= 2; attempt++) {
        logs.awaitLogged(Level.WARN, "attempt " + attempt + " of step 'test.sleepy' ended",
            PATIENCE);
      }
    }

    assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    StepRecord record = result.step(sleepy);
    assertThat(record.attempts()).extracting(AttemptRecord::status)
        .containsExactly(AttemptStatus.TIMED_OUT, AttemptStatus.TIMED_OUT);
    assertThat(record.error().type()).isEqualTo(dev.fancy.run.AttemptTimeoutException.class.getName());
  }

  // ---------------------------------------------------------------- usage

  private Workflow twoCostly(List<Call<Integer>> calls) {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> first = call("test.costly", x);
    Call<Integer> second = call("test.costly", first.out());
    calls.add(first);
    calls.add(second);
    return Workflow.of("two", second.out());
  }

  @Test
  void usageAddsUpAndReachingALimitExactlyIsAllowed() {
    List<Call<Integer>> calls = new ArrayList<>();
    Workflow workflow = twoCostly(calls);
    RunResult result = engine().run(workflow, Inputs.of(cast(workflow.inputs().get(0),
        Integer.class), 0), RunOptions.builder()
        .limits(UsageLimits.maxCost(new BigDecimal("1.00"), "USD")).build());
    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(result.usage()).isEqualTo(new Usage(new BigDecimal("1.00"), 200, 40,
        Map.of("calls", 2L)));
    assertThat(result.step(calls.get(1)).usage().cost()).isEqualByComparingTo("0.50");
  }

  @Test
  void aBreachStopsTheRunAndItsHistoryShowsWhere() {
    List<Call<Integer>> calls = new ArrayList<>();
    Workflow workflow = twoCostly(calls);
    Cell<Integer> x = cast(workflow.inputs().get(0), Integer.class);
    RunHandle run = engine().start(workflow, Inputs.of(x, 0), RunOptions.builder()
        .limits(UsageLimits.NONE.withMaxCounter("calls", 0)).build());

    assertThat(run.await(PATIENCE)).isEqualTo(RunStatus.CANCELLED);
    RunResult result = resultOf(run);
    assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(result.history()).extracting(StepRecord::status)
        .containsExactly(StepStatus.SUCCEEDED, StepStatus.SKIPPED);
    assertThat(result.step(calls.get(1)).error().message()).contains("usage limit exceeded");
    assertThat(result.stopReason()).hasValueSatisfying(reason -> assertThat(reason)
        .contains("usage limit exceeded", "counter 'calls' 1 exceeds the limit 0"));
    assertThat(result.usage().counter("calls")).isEqualTo(1);
    assertThat(steps.executions("test.costly")).isEqualTo(1);
  }

  @Test
  void theResultOfABreachedRunIsThrownWithTheRun() {
    List<Call<Integer>> calls = new ArrayList<>();
    Workflow workflow = twoCostly(calls);
    Cell<Integer> x = cast(workflow.inputs().get(0), Integer.class);

    UsageLimitExceededException e = catchThrowableOfType(UsageLimitExceededException.class,
        () -> engine().run(workflow, Inputs.of(x, 0), RunOptions.builder()
            .limits(UsageLimits.maxCost(new BigDecimal("0.99"), "USD")).build()));

    assertThat(e).as("run(...) throws for a breached run").isNotNull();
    assertThat(e).hasMessageContaining("cost 1.00 USD exceeds the limit 0.99 USD");
    assertThat(e.total().cost()).isEqualByComparingTo("1.00");
    assertThat(e.result().status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(e.result().get(calls.get(1).out())).isEqualTo(2);
  }

  /** The run's result, also when a usage limit stopped it. */
  protected static RunResult resultOf(RunHandle run) {
    try {
      return run.result();
    } catch (UsageLimitExceededException e) {
      return e.result();
    }
  }

  // ---------------------------------------------------------------- caching

  @Test
  void aCachedStepRunsOncePerInput() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> square = call("test.square", x);
    Workflow workflow = Workflow.of("cached", square.out());

    RunResult first = engine().run(workflow, Inputs.of(x, 7));
    RunResult second = engine().run(workflow, Inputs.of(x, 7));
    RunResult other = engine().run(workflow, Inputs.of(x, 8));

    assertThat(first.get(square.out())).isEqualTo(49);
    assertThat(second.get(square.out())).isEqualTo(49);
    assertThat(other.get(square.out())).isEqualTo(64);
    assertThat(first.step(square).cacheHit()).isFalse();
    assertThat(second.step(square).cacheHit()).isTrue();
    assertThat(steps.executions("test.square")).isEqualTo(2);
  }

  @Test
  void identicalCachedStepsRunningTogetherComputeOnce() {
    assumeSupports(Capability.SINGLE_FLIGHT_CACHE);
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> a = call("test.slow_square", x);
    Call<Integer> b = call("test.slow_square", x).named("twin"); // a second call, same input
    a.options(StepOptions.DEFAULT.withCache(true));
    b.options(StepOptions.DEFAULT.withCache(true));
    RunResult result = engine().run(Workflow.of("twins", a.out(), b.out()), Inputs.of(x, 3));
    assertThat(result.get(a.out())).isEqualTo(9);
    assertThat(result.get(b.out())).isEqualTo(9);
    assertThat(steps.executions("test.slow_square")).isEqualTo(1);
  }

  // ---------------------------------------------------------------- handles, events, runs

  @Test
  void eventsAreNumberedWithoutGapsFromStartToFinish() throws InterruptedException {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> chunky = call("test.chunky", x);
    MathSteps.AddStep after = MathSteps.add(chunky.out(), 1);
    RunHandle run = engine().start(Workflow.of("events", after.out()), Inputs.of(x, 3));

    List<RunEvent> delivered = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch finished = new CountDownLatch(1);
    try (EventSubscription subscription = run.subscribe(1, event -> {
      delivered.add(event);
      if (event.isFinal()) {
        finished.countDown();
      }
    })) {
      assertThat(finished.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(run.result().status()).isEqualTo(RunStatus.SUCCEEDED);

    List<RunEvent> events = run.events(1);
    assertThat(events).extracting(RunEvent::sequence)
        .isEqualTo(IntStream.rangeClosed(1, events.size()).mapToObj(i -> (long) i).toList());
    assertThat(events.get(0).type()).isEqualTo(RunEvent.Type.RUN_STARTED);
    assertThat(events.get(events.size() - 1).type()).isEqualTo(RunEvent.Type.RUN_FINISHED);
    assertThat(events.get(events.size() - 1).status()).isEqualTo("SUCCEEDED");
    assertThat(delivered).extracting(RunEvent::sequence)
        .isEqualTo(events.stream().map(RunEvent::sequence).toList());
    assertThat(events).filteredOn(e -> e.type() == RunEvent.Type.CHUNK)
        .extracting(e -> e.chunk().asText()).containsExactly("chunk 0", "chunk 1", "chunk 2");
    assertThat(events).filteredOn(e -> e.type() == RunEvent.Type.STEP_SUCCEEDED)
        .extracting(RunEvent::slug).containsExactly("test.chunky", "math.add");
    assertThat(run.events(events.size())).singleElement()
        .extracting(RunEvent::type).isEqualTo(RunEvent.Type.RUN_FINISHED);
  }

  @Test
  void chunksReachSubscribersWhileTheStepRuns() throws Exception {
    assumeSupports(Capability.LIVE_CHUNKS);
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> step = call("test.chunk_then_wait", x);
    RunHandle run = engine().start(Workflow.of("live", step.out()), Inputs.of(x, 1));
    try (EventSubscription subscription = run.subscribe(1, event -> {
      if (event.type() == RunEvent.Type.CHUNK) {
        steps.chunkSeen.countDown();
      }
    })) {
      assertThat(run.result().status()).isEqualTo(RunStatus.SUCCEEDED);
    }
  }

  @Test
  void aHandleFoundByIdSeesTheSameRun() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> block = call("test.block", x);
    RunHandle run = engine().start(Workflow.of("handle", block.out()), Inputs.of(x, 5),
        RunOptions.builder().label("team", "conformance").build());
    awaitLatch(steps.blockStarted, "test.block to start");

    assertThat(run.await(Duration.ofMillis(50))).isEqualTo(RunStatus.RUNNING);
    RunHandle found = engine().handle(run.id());
    assertThat(found.id()).isEqualTo(run.id());
    assertThat(found.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(found.history().steps()).singleElement().extracting(StepRecord::status)
        .isEqualTo(StepStatus.RUNNING);

    steps.release.countDown();
    assertThat(found.await(PATIENCE)).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(found.result().get(block.out())).isEqualTo(5);
    assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
    RunInfo info = found.history().run();
    assertThat(info.labels()).containsEntry("team", "conformance");
    assertThat(info.finishedAt()).isNotNull();
    assertThatThrownBy(() -> engine().handle(UUID.randomUUID()))
        .isInstanceOf(RunNotFoundException.class);
  }

  @Test
  void runsListsTheRunsTheEngineKnows() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Workflow workflow = Workflow.of("listed", MathSteps.add(x, 1).out());
    RunResult first = engine().run(workflow, Inputs.of(x, 1),
        RunOptions.builder().label("sweep", "a").build());
    RunResult second = engine().run(workflow, Inputs.of(x, 2),
        RunOptions.builder().label("sweep", "b").build());

    Poll.until("both runs listed", PATIENCE, () -> engine().runs(RunQuery.ALL).runs().stream()
        .map(RunInfo::runId).toList().containsAll(List.of(first.runId(), second.runId())));
    assertThat(engine().runs(RunQuery.builder().label("sweep", "b").build()).runs())
        .extracting(RunInfo::runId).containsExactly(second.runId());
    assertThat(engine().runs(RunQuery.builder().status(RunStatus.FAILED).build()).runs())
        .extracting(RunInfo::runId).doesNotContain(first.runId(), second.runId());
  }

  @Test
  void aRunIdGivenInTheOptionsIsTheRunsId() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    UUID id = UUID.randomUUID();
    RunResult result = engine().run(Workflow.of("named", MathSteps.add(x, 1).out()),
        Inputs.of(x, 1), RunOptions.DEFAULT.withRunId(id));
    assertThat(result.runId()).isEqualTo(id);
    assertThat(engine().handle(id).status()).isEqualTo(RunStatus.SUCCEEDED);
  }

  // ---------------------------------------------------------------- cancellation and resume

  @Test
  void cancellingARunStopsItsStepsAndRecordsTheReason() {
    assumeSupports(Capability.CANCEL);
    Cell<Integer> x = Cell.input("x", Integer.class);
    MathSteps.AddStep first = MathSteps.add(x, 1);
    Call<Integer> block = call("test.block", first.out());
    MathSteps.AddStep after = MathSteps.add(block.out(), 1);
    RunHandle run = engine().start(Workflow.of("cancel", after.out()), Inputs.of(x, 1));
    awaitLatch(steps.blockStarted, "test.block to start");

    assertThat(run.cancel("stop on request")).isTrue();

    assertThat(run.await(PATIENCE)).isEqualTo(RunStatus.CANCELLED);
    RunResult result = run.result();
    assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(result.stopReason()).hasValue("stop on request");
    assertThat(result.step(first).status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(result.step(block).status()).isEqualTo(StepStatus.CANCELLED);
    assertThat(result.step(after).status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(result.step(after).error().type()).isEqualTo(ErrorInfo.SKIPPED);
    assertThatThrownBy(() -> result.get(block.out())).isInstanceOf(IllegalStateException.class);
    Poll.until("the running step sees the cancellation", PATIENCE, steps.blockSawCancel::get);
    assertThat(run.cancel("again")).as("an ended run is not cancelled again").isFalse();
  }

  @Test
  void aFailedRunResumesWithoutRerunningCommittedSteps() {
    assumeSupports(Capability.RESUME);
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> square = call("test.slow_square", x);
    Call<Integer> sometimes = call("test.sometimes", square.out());
    RunHandle run = engine().start(Workflow.of("resume", sometimes.out()), Inputs.of(x, 3));
    assertThat(run.await(PATIENCE)).isEqualTo(RunStatus.FAILED);

    steps.sometimesFails.set(false);
    RunHandle resumed = engine().resume(run.id());

    assertThat(resumed.await(PATIENCE)).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(resumed.result().get(sometimes.out())).isEqualTo(90);
    assertThat(steps.executions("test.slow_square")).isEqualTo(1);
    assertThat(steps.executions("test.sometimes")).isEqualTo(2);
  }

  // ---------------------------------------------------------------- deletion

  @Test
  void aFinishedRunIsDeletedWithItsValuesAndARunningOneIsRefused() {
    assumeSupports(Capability.DELETE);
    Cell<Integer> x = Cell.input("x", Integer.class);
    MathSteps.AddStep first = MathSteps.add(x, 1);
    Call<Integer> block = call("test.block", first.out());
    RunHandle running = engine().start(Workflow.of("delete-running", block.out()),
        Inputs.of(x, 1));
    awaitLatch(steps.blockStarted, "test.block to start");

    assertThatThrownBy(() -> engine().delete(running.id()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(running.id().toString()).hasMessageContaining("not finished");
    assertThat(engine().handle(running.id()).id()).as("a refused delete changes nothing")
        .isEqualTo(running.id());

    steps.release.countDown();
    assertThat(running.await(PATIENCE)).isEqualTo(RunStatus.SUCCEEDED);
    RunResult kept = engine().run(Workflow.of("delete-kept", MathSteps.add(x, 2).out()),
        Inputs.of(x, 1));
    RunResult result = running.result();
    assertThat(result.get(block.out())).isEqualTo(2);

    assertThat(engine().delete(running.id())).isTrue();

    assertThatThrownBy(() -> engine().handle(running.id()))
        .isInstanceOf(RunNotFoundException.class);
    assertThat(engine().runs(RunQuery.builder().limit(100).build()).runs())
        .extracting(RunInfo::runId).contains(kept.runId()).doesNotContain(running.id());
    assertThatThrownBy(() -> result.get(block.out())).as("its values are gone")
        .isInstanceOfAny(IllegalStateException.class, dev.fancy.store.DatumStoreException.class);
    assertThat(engine().delete(running.id())).as("deleted already").isFalse();
    assertThat(engine().delete(UUID.randomUUID())).as("never known").isFalse();
    assertThat(engine().handle(kept.runId()).result().get(x)).as("other runs stay")
        .isEqualTo(1);
  }

  // ---------------------------------------------------------------- run context

  @Test
  void stepsShareOneMutableRunContext() {
    assumeSupports(Capability.SHARED_RUN_CONTEXT);
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> first = call("test.context", x);
    Call<Integer> second = call("test.context", first.out());
    RunResult result = engine().run(Workflow.of("context", second.out()), Inputs.of(x, 2),
        RunOptions.builder().context(inputs -> new Tally()).build());
    assertThat(result.get(first.out())).isEqualTo(2);
    assertThat(result.get(second.out())).as("2 + 2 added to the same tally").isEqualTo(4);
  }

  // ---------------------------------------------------------------- values

  @Test
  void largeValuesTravelIntact() {
    Cell<Integer> mib = Cell.input("mib", Integer.class);
    Call<String> big = new Call<>("test.big", ConformanceSteps.BIG, mib);
    Call<Integer> length = new Call<>("test.length", ConformanceSteps.LENGTH, big.out());
    RunResult result = engine().run(Workflow.of("large", length.out(), big.out()),
        Inputs.of(mib, 3));
    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(result.get(length.out())).isEqualTo(3 << 20);
    String text = result.get(big.out());
    assertThat(text).hasSize(3 << 20);
    assertThat(text.charAt((3 << 20) - 1)).isEqualTo((char) ('a' + ((3 << 20) - 1) % 26));
  }

  @Test
  void exactDecimalsAndGenericValuesKeepTheirTypes() {
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    Cell<List<Integer>> same = Flow.map(numbers, 1, n -> MathSteps.add(n, 0).out());
    RunResult result = engine().run(Workflow.of("generic", same),
        Inputs.of(numbers, List.of(1, 2, 3)));
    assertThat(result.get(same)).containsExactly(1, 2, 3).allMatch(Integer.class::isInstance);
  }

  // ---------------------------------------------------------------- failures

  @Test
  void aFailedStepFailsTheRunSkipsItsDependentsAndKeepsIndependentBranches() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    MathSteps.UnaryStep<Integer> fail = MathSteps.fail(x);
    MathSteps.AddStep dependent = MathSteps.add(fail.out(), 1);
    MathSteps.AddStep independent = MathSteps.add(x, 1);

    RunResult result = engine().run(Workflow.of("failing", dependent.out(), independent.out()),
        Inputs.of(x, 3));

    assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    StepRecord failed = result.step(fail);
    assertThat(failed.status()).isEqualTo(StepStatus.FAILED);
    assertThat(failed.error().type()).isEqualTo(IllegalStateException.class.getName());
    assertThat(failed.error().message()).isEqualTo("boom at 3");
    assertThat(failed.attempts()).singleElement().extracting(AttemptRecord::status)
        .isEqualTo(AttemptStatus.FAILED);
    assertThat(result.step(dependent).status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(result.step(dependent).error().type()).isEqualTo(ErrorInfo.SKIPPED);
    assertThat(result.step(independent).status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(result.get(independent.out())).isEqualTo(4);
    assertThat(result.info().error()).isNotNull();
    assertThat(result.failure()).isPresent();
    assertThatThrownBy(() -> result.get(fail.out())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(result::requireSucceeded).isInstanceOf(RunFailedException.class)
        .hasMessageContaining("failed at step 'math.fail'").hasMessageContaining("boom at 3");
  }

  @Test
  void invalidWorkflowsAndInputsAreRefusedBeforeAnythingRuns() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> unknown = call("test.unknown", x);
    Workflow bad = Workflow.of("unknown", unknown.out());
    assertThatThrownBy(() -> engine().start(bad, Inputs.of(x, 1)))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("test.unknown");
    Workflow good = Workflow.of("good", MathSteps.add(x, 1).out());
    assertThatThrownBy(() -> engine().inputsFromJson(good,
        engine().codec().toTree(Map.of("x", "one"))))
        .isInstanceOf(WorkflowValidationException.class);
    assertThatThrownBy(() -> engine().start(good, Inputs.none()))
        .isInstanceOf(WorkflowValidationException.class);
    assertThat(engine().runs(RunQuery.ALL).runs()).isEmpty();
  }

  private static void awaitLatch(CountDownLatch latch, String what) {
    try {
      if (!latch.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError("timed out waiting for " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
