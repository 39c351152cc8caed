package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fancy.fixtures.Bind;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.frame.Usage;
import dev.fancy.frame.UsageLimits;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.RunFailedException;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class UsageLimitsTest {

  private static final BigDecimal CENTS_50 = new BigDecimal("0.50");

  private final StepRegistry registry = StepRegistry.empty()
      .register(Call.intStep("test.costly", (frame, args) -> {
        frame.usage().cost(CENTS_50).tokens(100, 20).count("calls", 1);
        return new Object[] {(Integer) args[0] + 1};
      }));

  private Workflow twoSteps(List<Call<Integer>> steps) {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> first = new Call<>("test.costly", Call.unary(MathSteps.INT), x);
    Call<Integer> second = new Call<>("test.costly", Call.unary(MathSteps.INT), first.out());
    steps.add(first);
    steps.add(second);
    return Workflow.of("two", second.out());
  }

  @Test
  void finishedParallelStepsKeepTheirResultsAndTheExceptionsTotalIsTheRunsUsage() {
    int branches = 8;
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(branches);
    StepRegistry spenders = StepRegistry.empty().register(Call.intStep("test.spend3",
        (frame, args) -> {
          together.await(10, java.util.concurrent.TimeUnit.SECONDS); // all run at once
          frame.usage().cost(new BigDecimal("3"));
          return new Object[] {args[0]};
        }));
    Cell<Integer> x = Cell.input("x", Integer.class);
    List<Cell<?>> outs = new ArrayList<>();
    for (int i = 0; i < branches; i++) {
      outs.add(new Call<Integer>("test.spend3", Call.unary(MathSteps.INT), x).named("branch" + i)
          .out());
    }
    Workflow workflow = Workflow.of("eight", outs.toArray(new dev.fancy.workflow.WorkflowElement[0]));
    try (Engine engine = Engine.builder().registry(spenders).maxConcurrency(branches).build()) {
      UsageLimitExceededException e = catchThrowableOfType(UsageLimitExceededException.class,
          () -> engine.run(workflow, dev.fancy.run.Inputs.of(x, 1), RunOptions.builder()
              .limits(UsageLimits.maxCost(new BigDecimal("10"), "USD")).build()));
      RunResult result = e.result();
      assertThat(e.total()).as("the exception's total is the run's usage").isEqualTo(
          result.usage());
      BigDecimal paid = BigDecimal.ZERO;
      for (StepRecord step : result.history()) {
        paid = paid.add(step.usage().cost());
        if (step.usage().cost().signum() > 0) {
          assertThat(step.status()).as("a step that finished and paid keeps its result")
              .isEqualTo(StepStatus.SUCCEEDED);
        }
      }
      assertThat(result.usage().cost()).isEqualByComparingTo(paid);
      assertThat(result.usage().cost()).isEqualByComparingTo(new BigDecimal(3 * branches));
    }
  }

  @Test
  void aBreachInsideAMapNamesTheElementAndItsStep() {
    StepRegistry payers = StepRegistry.empty().register(Call.intStep("test.pay",
        (frame, args) -> {
          frame.usage().cost(CENTS_50);
          return new Object[] {args[0]};
        }));
    Cell<List<Integer>> items = Cell.input("items", new dev.fancy.value.TypeRef<List<Integer>>() {});
    Cell<List<Integer>> paid = dev.fancy.workflow.Flow.map(items, 1,
        item -> new Call<Integer>("test.pay", Call.unary(MathSteps.INT), item).out());
    Workflow workflow = Workflow.of("pay", paid);
    try (Engine engine = Engine.builder().registry(payers).build()) {
      UsageLimitExceededException e = catchThrowableOfType(UsageLimitExceededException.class,
          () -> engine.run(workflow, dev.fancy.run.Inputs.of(items, List.of(1, 2, 3, 4)),
              RunOptions.builder().limits(UsageLimits.maxCost(new BigDecimal("1.20"), "USD"))
                  .build()));
      assertThat(e).hasMessageContaining("usage limit exceeded after step 'test.pay' (element 2 "
          + "of step 'fancy.flow.map'): cost 1.50 USD exceeds the limit 1.20 USD");
      dev.fancy.run.ChildRun breaching = e.result().history().get(0).children().get(2);
      assertThat(breaching.steps()).extracting(StepRecord::status)
          .as("the breaching element keeps its result").containsExactly(StepStatus.SUCCEEDED);
    }
  }

  @Test
  void reachingALimitExactlyIsAllowed() {
    List<Call<Integer>> steps = new ArrayList<>();
    Workflow workflow = twoSteps(steps);
    try (Engine engine = Engine.builder().registry(registry).build()) {
      RunResult result = engine.run(workflow, Bind.inputs(workflow, Map.of("x", 0)), RunOptions.builder()
          .limits(UsageLimits.maxCost(new BigDecimal("1.00"), "USD")).build());
      assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(result.usage()).isEqualTo(new Usage(new BigDecimal("1.00"), 200, 40,
          Map.of("calls", 2L)));
      assertThat(result.step(steps.get(1)).usage().cost()).isEqualTo(CENTS_50);
    }
  }

  @Test
  void aTwoStepRunBreachesExactlyOnItsLastStep() {
    List<Call<Integer>> steps = new ArrayList<>();
    Workflow workflow = twoSteps(steps);
    try (Engine engine = Engine.builder().registry(registry).build()) {
      UsageLimitExceededException e = catchThrowableOfType(UsageLimitExceededException.class,
          () -> engine.run(workflow, Bind.inputs(workflow, Map.of("x", 0)), RunOptions.builder()
              .limits(UsageLimits.maxCost(new BigDecimal("0.99"), "USD")).build()));
      assertThat(e).hasMessageContaining("usage limit exceeded after step 'test.costly': cost "
          + "1.00 USD exceeds the limit 0.99 USD");
      assertThat(e.total().cost()).isEqualByComparingTo("1.00");
      RunResult result = e.result();
      assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
      assertThat(result.history()).extracting(StepRecord::status)
          .containsExactly(StepStatus.SUCCEEDED, StepStatus.SUCCEEDED);
      assertThat(result.get(steps.get(1).out())).isEqualTo(2);
      assertThat(result.usage()).isEqualTo(e.total());
    }
  }

  @Test
  void tokenAndCounterLimitsStopTheRunBeforeTheNextStep() {
    List<Call<Integer>> steps = new ArrayList<>();
    Workflow workflow = twoSteps(steps);
    try (Engine engine = Engine.builder().registry(registry).build()) {
      UsageLimitExceededException e = catchThrowableOfType(UsageLimitExceededException.class,
          () -> engine.run(workflow, Bind.inputs(workflow, Map.of("x", 0)), RunOptions.builder()
              .limits(UsageLimits.NONE.withMaxCounter("calls", 0)).build()));
      assertThat(e).hasMessageContaining("counter 'calls' 1 exceeds the limit 0");
      assertThat(e.result().history()).extracting(StepRecord::status)
          .containsExactly(StepStatus.SUCCEEDED, StepStatus.SKIPPED);
      assertThat(e.result().step(steps.get(1)).error().message())
          .startsWith("skipped because the run was stopped: usage limit exceeded");
    }
  }

  @Test
  void concurrentBranchesAddUpExactly() {
    int branches = 64;
    StepRegistry registry = StepRegistry.empty().register(Call.intStep("test.cent",
        (frame, args) -> {
          frame.usage().cost(new BigDecimal("0.01")).tokens(1, 2).count("calls", 1);
          return new Object[] {args[0]};
        }));
    Cell<Integer> x = Cell.input("x", Integer.class);
    List<Cell<?>> outputs = new ArrayList<>();
    for (int i = 0; i < branches; i++) {
      outputs.add(new Call<Integer>("test.cent", Call.unary(MathSteps.INT), x)
          .named("branch" + i).out());
    }
    Workflow wide = Workflow.of("wide", outputs);
    try (Engine engine = Engine.builder().registry(registry).maxConcurrency(16).build()) {
      for (int round = 0; round < 20; round++) {
        RunResult result = engine.run(wide, Bind.inputs(wide, Map.of("x", round)));
        assertThat(result.usage()).isEqualTo(new Usage(new BigDecimal("0.64"), branches,
            2L * branches, Map.of("calls", (long) branches)));
      }
    }
  }

  @Test
  void aBreachCancelsRunningSiblings() throws InterruptedException {
    CountDownLatch siblingRunning = new CountDownLatch(1);
    AtomicBoolean siblingSawCancel = new AtomicBoolean();
    StepRegistry registry = StepRegistry.empty()
        .register(Call.intStep("test.wait", (frame, args) -> {
          siblingRunning.countDown();
          try {
            Thread.sleep(30_000);
          } catch (InterruptedException e) {
            siblingSawCancel.set(frame.cancellation().isCancelled());
            throw e;
          }
          return new Object[] {args[0]};
        }))
        .register(Call.intStep("test.spend", (frame, args) -> {
          if (!siblingRunning.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("sibling never started");
          }
          frame.usage().cost(BigDecimal.TEN);
          return new Object[] {args[0]};
        }));
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> waiting = new Call<>("test.wait", Call.unary(MathSteps.INT), x);
    Call<Integer> spending = new Call<>("test.spend", Call.unary(MathSteps.INT), x);
    Call<Integer> after = new Call<>("test.wait", Call.unary(MathSteps.INT), spending.out());
    try (Engine engine = Engine.builder().registry(registry).maxConcurrency(2).build()) {
      UsageLimitExceededException e = catchThrowableOfType(UsageLimitExceededException.class,
          () -> engine.run(Workflow.of("race", waiting.out(), after.out()), Bind.inputs(Workflow.of("race", waiting.out(), after.out()), Map.of("x", 1)),
              RunOptions.builder().limits(UsageLimits.maxCost(BigDecimal.ONE, "EUR")).build()));
      RunResult result = e.result();
      assertThat(result.step(spending).status()).isEqualTo(StepStatus.SUCCEEDED);
      assertThat(result.step(waiting).status()).isEqualTo(StepStatus.CANCELLED);
      assertThat(result.step(after).status()).isEqualTo(StepStatus.SKIPPED);
      assertThat(siblingSawCancel).isTrue();
      assertThatThrownBy(() -> result.get(waiting.out())).hasMessageContaining("was cancelled");
      assertThatThrownBy(result::requireSucceeded).isInstanceOf(RunFailedException.class)
          .hasMessageContaining("was stopped: usage limit exceeded after step 'test.spend': cost "
              + "10 EUR exceeds the limit 1 EUR");
    }
  }
}
