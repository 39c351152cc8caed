package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.Bind;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.LogCapture;
import dev.fancy.fixtures.ManualTicker;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.fixtures.Poll;
import dev.fancy.frame.StepFailure;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.AttemptInterceptor;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.AttemptTimeoutException;
import dev.fancy.run.AttemptVetoedException;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunListener;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.OutputValidator;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class PoliciesTest {

  private static final RetryPolicy THREE_QUICK =
      new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of());

  private final Cell<Integer> x = Cell.input("x", Integer.class);
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final RunListener recorder = event -> {
    if (event.type() == RunEvent.Type.ATTEMPT_FAILED) {
      String type = event.error().type();
      events.add("failed " + event.attempt() + " " + type.substring(type.lastIndexOf('.') + 1));
    } else if (event.type() == RunEvent.Type.RETRY_SCHEDULED) {
      events.add("retry " + event.attempt());
    }
  };

  private RunResult run(StepRegistry registry, Call<Integer> call, int value) {
    try (Engine engine = Engine.builder().registry(registry).listener(recorder).build()) {
      return engine.run(Workflow.of("w", call.out()), Bind.inputs(Workflow.of("w", call.out()), Map.of("x", value)));
    }
  }

  /** Fails with {@code error} on the first {@code failures} attempts, then returns a + attempt. */
  private static StepDefinition flaky(int failures, Exception error) {
    return Call.intStep("test.flaky", (frame, args) -> {
      if (frame.attempt() <= failures) {
        throw error;
      }
      return new Object[] {(Integer) args[0] + frame.attempt()};
    });
  }

  @Test
  void retriesUntilAnAttemptSucceedsAndRecordsEveryAttempt() {
    StepRegistry registry = StepRegistry.empty().register(flaky(2, new IOException("flaky disk")));
    Call<Integer> call = new Call<>("test.flaky", Call.unary(MathSteps.INT), x);
    call.options(StepOptions.DEFAULT.withRetry(THREE_QUICK));

    RunResult result = run(registry, call, 10);

    assertThat(result.get(call.out())).isEqualTo(13);
    StepRecord record = result.step(call);
    assertThat(record.attempts()).extracting(AttemptRecord::status).containsExactly(
        AttemptStatus.FAILED, AttemptStatus.FAILED, AttemptStatus.SUCCEEDED);
    assertThat(record.attempts().get(0).error().message()).isEqualTo("flaky disk");
    assertThat(events).containsExactly("failed 1 IOException", "retry 2", "failed 2 IOException",
        "retry 3");
  }

  @Test
  void neverRetryOnAndRetryOnDecideWhatIsRetried() {
    StepRegistry registry =
        StepRegistry.empty().register(flaky(1, new IllegalArgumentException("bad input")));
    Call<Integer> never = new Call<>("test.flaky", Call.unary(MathSteps.INT), x);
    never.options(StepOptions.DEFAULT.withRetry(
        THREE_QUICK.neverRetryOn(IllegalArgumentException.class)));
    assertThat(run(registry, never, 1).step(never).attempts()).hasSize(1);

    Call<Integer> onlyIo = new Call<>("test.flaky", Call.unary(MathSteps.INT), x);
    onlyIo.options(StepOptions.DEFAULT.withRetry(THREE_QUICK.retryOn(IOException.class)));
    RunResult result = run(registry, onlyIo, 1);
    assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    assertThat(result.step(onlyIo).attempts()).hasSize(1);
    assertThat(result.step(onlyIo).error().type()).isEqualTo("java.lang.IllegalArgumentException");
  }

  @Test
  void backoffGrowsExponentiallyWithinItsJitterAndCap() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), 2, Duration.ofSeconds(1),
        0.5, List.of(), List.of());
    assertThat(policy.backoff(1, 0.5)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backoff(3, 0.5)).isEqualTo(Duration.ofMillis(400));
    assertThat(policy.backoff(8, 0.5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoff(2, 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backoff(2, 0.999999)).isLessThan(Duration.ofMillis(300));
  }

  @Test
  void anAttemptOverItsTimeoutIsInterruptedAndRecordedTimedOut() {
    AtomicInteger interrupted = new AtomicInteger();
    java.util.concurrent.Semaphore running = new java.util.concurrent.Semaphore(0);
    StepRegistry registry = StepRegistry.empty().register(Call.intStep("test.sleepy",
        (frame, args) -> {
          running.release();
          try {
            new java.util.concurrent.CountDownLatch(1).await(); // until interrupted
          } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            throw e;
          }
          return new Object[] {args[0]};
        }));
    Call<Integer> call = new Call<>("test.sleepy", Call.unary(MathSteps.INT), x);
    call.options(StepOptions.DEFAULT.withTimeout(Duration.ofMillis(50)).withRetry(
        new RetryPolicy(2, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of())));
    ManualTicker ticker = new ManualTicker();

    try (LogCapture logs = LogCapture.of("dev.fancy.internal.core.Lingering");
        Engine engine = Engine.builder().registry(registry).listener(recorder).ticker(ticker)
        .build()) {
      RunHandle run = engine.start(Workflow.of("w", call.out()), Inputs.of(x, 1));
      for (int attempt = 1; attempt <= 2; attempt++) {
        acquire(running);
        ticker.advance(Duration.ofMillis(49));
        assertThat(run.status()).as("before its timeout").isEqualTo(RunStatus.RUNNING);
        ticker.advance(Duration.ofMillis(1));
      }
      RunResult result = run.result();

      assertThat(result.status()).isEqualTo(RunStatus.FAILED);
      StepRecord record = result.step(call);
      assertThat(record.attempts()).extracting(AttemptRecord::status)
          .containsExactly(AttemptStatus.TIMED_OUT, AttemptStatus.TIMED_OUT);
      assertThat(record.error().type()).isEqualTo(AttemptTimeoutException.class.getName());
      assertThat(record.error().message()).isEqualTo("attempt 2 of step 'test.sleepy' timed out "
          + "after PT0.05S");
      for (int attempt = 1; attempt <= 2; attempt++) {
        logs.awaitLogged(Level.WARN, "attempt " + attempt + " of step 'test.sleepy' ended",
            Duration.ofSeconds(10));
      }
    }
    Poll.until("both timed-out attempts see their interrupt", Duration.ofSeconds(10),
        () -> interrupted.get() == 2);
  }

  /** A validator of an integer output. */
  static final class AtLeastTen implements OutputValidator<Integer> {
    @Override
    public String problem(Integer output) {
      return output >= 10 ? null : output + " is below 10";
    }
  }

  private static void acquire(java.util.concurrent.Semaphore semaphore) {
    try {
      assertThat(semaphore.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS))
          .as("the attempt started").isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void validatorsRunInsideTheRetryLoop() {
    StepRegistry registry = StepRegistry.empty()
        .register(Call.intStep("test.grow", (frame, args) -> new Object[] {5 * frame.attempt()}));
    Call<Integer> passes = new Call<>("test.grow", Call.unary(MathSteps.INT), x);
    passes.options(StepOptions.DEFAULT.withRetry(THREE_QUICK))
        .validate(passes.out(), new AtLeastTen());
    RunResult result = run(registry, passes, 0);
    assertThat(result.get(passes.out())).isEqualTo(10);
    assertThat(result.step(passes).attempts()).extracting(AttemptRecord::status)
        .containsExactly(AttemptStatus.VALIDATION_FAILED, AttemptStatus.SUCCEEDED);

    Call<Integer> fails = new Call<>("test.grow", Call.unary(MathSteps.INT), x);
    fails.validate(fails.out(), new AtLeastTen());
    RunResult failed = run(registry, fails, 0);
    assertThat(failed.step(fails).error().message())
        .isEqualTo("validation failed after 1 attempt: validator '" + AtLeastTen.class.getName()
            + "' of output 'out': 5 is below 10");
  }

  @Test
  void aWorkflowReadFromJsonFindsItsValidatorsInTheRegistryByName() {
    StepRegistry registry = StepRegistry.empty()
        .register(Call.intStep("test.grow", (frame, args) -> new Object[] {5 * frame.attempt()}));
    Call<Integer> step = new Call<>("test.grow", Call.unary(MathSteps.INT), x);
    step.options(StepOptions.DEFAULT.withRetry(THREE_QUICK)).validate(step.out(), new AtLeastTen());
    Workflow read = Workflow.fromJson(Workflow.of("grow", step.out()).toJson());
    try (Engine engine = Engine.builder().registry(registry).build()) {
      assertThatThrownBy(() -> engine.validate(read))
          .isInstanceOf(WorkflowValidationException.class)
          .hasMessageContaining("uses the validator '" + AtLeastTen.class.getName() + "', which "
              + "is not registered; register it with StepRegistry.registerValidator(new "
              + "PoliciesTest.AtLeastTen())");
      registry.registerValidator(new AtLeastTen());
      RunResult result = engine.run(read, Bind.inputs(read, Map.of("x", 0)));
      assertThat(result.history().get(0).attempts()).extracting(AttemptRecord::status)
          .containsExactly(AttemptStatus.VALIDATION_FAILED, AttemptStatus.SUCCEEDED);
    }
  }

  @Test
  void aFallbackRunsWithTheFailureWhenEveryAttemptFailed() {
    ValueType<StepFailure> failureType = ValueType.of(StepFailure.class);
    List<StepFailure> seen = new ArrayList<>();
    StepRegistry registry = StepRegistry.empty()
        .register(flaky(99, new IOException("down")))
        .register(new StepDefinition("test.rescue", 1, "", Contract.of(
            List.of(Port.of("failure", failureType), Port.of("a", MathSteps.INT)),
            List.of(Port.of("out", MathSteps.INT))), (frame, args) -> {
              seen.add((StepFailure) args[0]);
              return new Object[] {-(Integer) args[1]};
            }));
    Call<Integer> call = new Call<>("test.flaky", Call.unary(MathSteps.INT), x);
    call.options(StepOptions.DEFAULT.withRetry(
        new RetryPolicy(2, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of()))
        .withFallback("test.rescue", 1));

    RunResult result = run(registry, call, 7);

    assertThat(result.get(call.out())).isEqualTo(-7);
    assertThat(result.step(call).fallbackUsed()).isTrue();
    assertThat(seen).containsExactly(
        new StepFailure("test.flaky", 2, "java.io.IOException", "down"));
  }

  @Test
  void aFallbackWithOtherOutputsIsRejectedBeforeAnythingRuns() {
    StepRegistry registry = StepRegistry.empty().register(flaky(0, null))
        .register(new StepDefinition("test.wrong", 1, "", Contract.of(List.of(),
            List.of(Port.of("result", MathSteps.STRING))), (frame, args) -> new Object[] {""}));
    Call<Integer> call = new Call<>("test.flaky", Call.unary(MathSteps.INT), x);
    call.options(StepOptions.DEFAULT.withFallback("test.wrong", 1));
    try (Engine engine = Engine.builder().registry(registry).build()) {
      assertThatThrownBy(() -> engine.validate(Workflow.of("w", call.out())))
          .isInstanceOf(WorkflowValidationException.class)
          .hasMessageContaining("step 'test.flaky' (" + call.id() + ") falls back to "
              + "test.wrong@1, whose outputs")
          .hasMessageContaining("a fallback must produce the same outputs");
    }
  }

  @Test
  void interceptorsCanVetoAndFailingInterceptorsAreReportedAndRetried() {
    AtomicInteger befores = new AtomicInteger();
    AttemptInterceptor vetoFirst = new AttemptInterceptor() {
      @Override
      public void before(dev.fancy.frame.ExecutionFrame frame) throws Exception {
        befores.incrementAndGet();
        if (frame.attempt() == 1) {
          throw new AttemptVetoedException("rate limited");
        }
      }
    };
    StepRegistry registry = StepRegistry.empty().register(flaky(0, null));
    Call<Integer> call = new Call<>("test.flaky", Call.unary(MathSteps.INT), x);
    call.options(StepOptions.DEFAULT.withRetry(THREE_QUICK));
    try (Engine engine = Engine.builder().registry(registry).interceptor(vetoFirst).build()) {
      RunResult result = engine.run(Workflow.of("w", call.out()), Bind.inputs(Workflow.of("w", call.out()), Map.of("x", 1)));
      assertThat(result.step(call).attempts()).extracting(AttemptRecord::status)
          .containsExactly(AttemptStatus.VETOED, AttemptStatus.SUCCEEDED);
      assertThat(result.get(call.out())).isEqualTo(3);
    }

    AttemptInterceptor broken = new AttemptInterceptor() {
      @Override
      public void after(dev.fancy.frame.ExecutionFrame frame, Throwable error) {
        throw new IllegalStateException("tracer down");
      }
    };
    Call<Integer> plain = new Call<>("test.flaky", Call.unary(MathSteps.INT), x);
    try (Engine engine = Engine.builder().registry(registry).interceptor(broken).build()) {
      RunResult result = engine.run(Workflow.of("w", plain.out()), Bind.inputs(Workflow.of("w", plain.out()), Map.of("x", 1)));
      assertThat(result.status()).isEqualTo(RunStatus.FAILED);
      assertThat(result.step(plain).error().type())
          .isEqualTo("dev.fancy.internal.core.InterceptorFailedException");
      assertThat(result.step(plain).error().message()).contains("failed after the attempt",
          "tracer down");
    }
  }

  @Test
  void everyAttemptOfARetriedStepGetsAFreshCopyOfItsInputs() {
    List<Integer> sizesSeen = Collections.synchronizedList(new ArrayList<>());
    ValueType<List<Integer>> listType = MathSteps.INT_LIST;
    StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module())
        .register(new StepDefinition("test.mutate", 1, "", Call.unary(listType), (frame, args) -> {
          @SuppressWarnings("unchecked")
          List<Integer> list = (List<Integer>) args[0];
          sizesSeen.add(list.size());
          list.add(99); // a careless step mutates its input, then fails
          if (frame.attempt() == 1) {
            throw new IOException("first attempt fails");
          }
          return new Object[] {list};
        }))
        .register(new StepDefinition("test.size", 1, "", Contract.of(
            List.of(Port.of("a", listType)), List.of(Port.of("out", MathSteps.INT))),
            (frame, args) -> new Object[] {((List<?>) args[0]).size()}));
    Cell<List<Integer>> numbers = Cell.input("numbers", listType);
    Call<List<Integer>> mutate = new Call<>("test.mutate", Call.unary(listType), numbers);
    mutate.options(StepOptions.DEFAULT.withRetry(THREE_QUICK));
    Call<Integer> size = new Call<>("test.size", Contract.of(List.of(Port.of("a", listType)),
        List.of(Port.of("out", MathSteps.INT))), numbers);
    size.after(mutate);
    try (Engine engine = Engine.builder().registry(registry).build()) {
      RunResult result = engine.run(Workflow.of("w", mutate.out(), size.out()), Bind.inputs(Workflow.of("w", mutate.out(), size.out()), Map.of("numbers", new ArrayList<>(List.of(1, 2, 3)))));
      assertThat(sizesSeen).containsExactly(3, 3);
      assertThat(result.get(mutate.out())).containsExactly(1, 2, 3, 99);
      assertThat(result.get(size.out())).isEqualTo(3);
    }
  }

  @Test
  void invalidPoliciesAreRejectedNamingTheStep() {
    Call<Integer> call = new Call<>("test.flaky", Call.unary(MathSteps.INT), x);
    assertThatThrownBy(() -> call.options(StepOptions.DEFAULT.withRetry(
        RetryPolicy.exponential(0, Duration.ofMillis(10)))))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("the options of step 'test.flaky' (" + call.id() + ")")
        .hasMessageContaining("retry maxAttempts is 0; it must be at least 1");
    assertThatThrownBy(() -> call.options(StepOptions.DEFAULT.withTimeout(Duration.ZERO)))
        .hasMessageContaining("timeout is PT0S; it must be longer than zero");

    call.options(StepOptions.DEFAULT.withRetry(THREE_QUICK).withTimeout(Duration.ofSeconds(2))
        .withCache(true).withFallback("test.rescue", 2)).validate(call.out(), new AtLeastTen());
    Workflow workflow = Workflow.of("w", call.out());
    Workflow back = Workflow.fromJson(workflow.toJson());
    assertThat(back).isEqualTo(workflow);
    assertThat(back.steps().get(0).options()).isEqualTo(call.options());

    String broken = workflow.toJson().replace("\"maxAttempts\" : 3", "\"maxAttempts\" : -1");
    assertThatThrownBy(() -> Workflow.fromJson(broken))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("step 'test.flaky' (" + call.id() + ") has invalid options: retry "
            + "maxAttempts is -1; it must be at least 1");
  }

  @Test
  void frameCarriesIdentityContextAndResources() {
    record Budget(int limit) {}
    List<String> keys = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean sawResource = new AtomicBoolean();
    StepRegistry registry = StepRegistry.empty().register(Call.intStep("test.frame",
        (frame, args) -> {
          keys.add(frame.idempotencyKey());
          sawResource.set(frame.resources().get(StringBuilder.class) != null);
          if (frame.attempt() == 1) {
            throw new IOException("again");
          }
          return new Object[] {frame.context(Budget.class).limit()};
        }));
    Call<Integer> call = new Call<>("test.frame", Call.unary(MathSteps.INT), x);
    call.options(StepOptions.DEFAULT.withRetry(THREE_QUICK));
    try (Engine engine = Engine.builder().registry(registry)
        .resources(dev.fancy.frame.Resources.builder().put(StringBuilder.class,
            new StringBuilder()).build()).build()) {
      RunResult result = engine.run(Workflow.of("w", call.out()), Bind.inputs(Workflow.of("w", call.out()), Map.of("x", 4)),
          RunOptions.builder().context(inputs -> new Budget(inputs.get(x) * 10))
              .build());
      assertThat(result.get(call.out())).isEqualTo(40);
      assertThat(keys).containsExactly(result.runId() + ":" + call.id() + ":1",
          result.runId() + ":" + call.id() + ":2");
      assertThat(sawResource).isTrue();
    }
  }

  @Test
  void aStepWaitingForItsBackoffDoesNotHoldAWorker() {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    StepRegistry registry = StepRegistry.empty()
        .register(Call.intStep("test.later", (frame, args) -> {
          order.add("later attempt " + frame.attempt());
          if (frame.attempt() == 1) {
            throw new IOException("not yet");
          }
          return new Object[] {args[0]};
        }))
        .register(Call.intStep("test.now", (frame, args) -> {
          order.add("now");
          return new Object[] {args[0]};
        }));
    Call<Integer> later = new Call<>("test.later", Call.unary(MathSteps.INT), x);
    later.options(StepOptions.DEFAULT.withRetry(new RetryPolicy(2, Duration.ofSeconds(300), 1,
        Duration.ofSeconds(300), 0, List.of(), List.of())));
    Call<Integer> now = new Call<>("test.now", Call.unary(MathSteps.INT), x);
    ManualTicker ticker = new ManualTicker();
    try (Engine engine = Engine.builder().registry(registry).maxConcurrency(1).ticker(ticker)
        .build()) {
      RunHandle run = engine.start(Workflow.of("w", later.out(), now.out()), Inputs.of(x, 1));
      // One worker: "now" can only run while "later" waits its backoff if the wait holds none.
      Poll.until("both steps ran, the first one waiting for its backoff", Duration.ofSeconds(10),
          () -> order.size() == 2 && ticker.pending() == 1);
      assertThat(order).containsExactly("later attempt 1", "now");
      assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
      ticker.advance(Duration.ofSeconds(299));
      assertThat(order).as("still in its backoff").hasSize(2);
      ticker.advance(Duration.ofSeconds(1));
      assertThat(run.result().status()).isEqualTo(RunStatus.SUCCEEDED);
    }
    assertThat(order).containsExactly("later attempt 1", "now", "later attempt 2");
  }

  @Test
  void stoppingARunEndsStepsWaitingForABackoffAtOnce() {
    java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
    StepRegistry registry = StepRegistry.empty()
        .register(Call.intStep("test.flaky", (frame, args) -> {
          throw new IOException("down");
        }))
        .register(Call.intStep("test.spend", (frame, args) -> {
          // the flaky step has failed and waits for its backoff
          if (!waiting.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("the flaky step never scheduled its retry");
          }
          frame.usage().cost(java.math.BigDecimal.TEN);
          return new Object[] {args[0]};
        }));
    Call<Integer> flaky = new Call<>("test.flaky", Call.unary(MathSteps.INT), x);
    flaky.options(StepOptions.DEFAULT.withRetry(new RetryPolicy(5, Duration.ofMinutes(10), 1,
        Duration.ofMinutes(10), 0, List.of(), List.of())));
    Call<Integer> spend = new Call<>("test.spend", Call.unary(MathSteps.INT), x);
    try (Engine engine = Engine.builder().registry(registry).maxConcurrency(2).build()) {
      UsageLimitExceededException e = org.assertj.core.api.Assertions.catchThrowableOfType(
          UsageLimitExceededException.class, () -> engine.run(Workflow.of("w", flaky.out(),
              spend.out()), Bind.inputs(Workflow.of("w", flaky.out(),
              spend.out()), Map.of("x", 1)), RunOptions.builder()
              .limits(dev.fancy.frame.UsageLimits.maxCost(java.math.BigDecimal.ONE, "USD"))
              .listener(event -> {
                if (event.type() == RunEvent.Type.RETRY_SCHEDULED) {
                  waiting.countDown();
                }
              })
              .build()));
      RunResult result = e.result();
      assertThat(result.step(flaky).status()).isEqualTo(StepStatus.CANCELLED);
      assertThat(result.step(flaky).attempts()).hasSize(1);
      assertThat(result.duration()).isLessThan(Duration.ofMinutes(1));
    }
  }

  @Test
  void timedAttemptsBeyondTheThreadBoundWaitForAThreadAndTheirTimeoutCountsFromTheirStart() {
    java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.Semaphore started = new java.util.concurrent.Semaphore(0);
    StepRegistry registry = StepRegistry.empty().register(Call.intStep("test.deaf",
        (frame, args) -> {
          started.release();
          boolean done = false;
          while (!done) {
            try {
              done = finish.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
              // deaf to interrupts
            }
          }
          return new Object[] {args[0]};
        }));
    Call<Integer> deaf = new Call<>("test.deaf", Call.unary(MathSteps.INT), x);
    deaf.options(StepOptions.DEFAULT.withTimeout(Duration.ofMillis(50)));
    Workflow workflow = Workflow.of("deaf", deaf.out());
    ManualTicker ticker = new ManualTicker();
    try (LogCapture logs = LogCapture.of("dev.fancy.internal.core.Lingering");
        Engine engine = Engine.builder().registry(registry).maxTimedAttempts(1).ticker(ticker)
        .build()) {
      RunHandle first = engine.start(workflow, Inputs.of(x, 1));
      acquire(started);
      ticker.advance(Duration.ofMillis(50));
      assertThat(first.result().step(deaf).attempts()).singleElement()
          .extracting(AttemptRecord::status).isEqualTo(AttemptStatus.TIMED_OUT);
      assertThat(engine.lingeringAttempts()).isEqualTo(1);

      // The one thread for timed attempts is held by the deaf attempt: the next one waits for it
      // instead of failing, and its timeout has not started while it waits.
      RunHandle second = engine.start(workflow, Inputs.of(x, 2));
      ticker.advance(Duration.ofSeconds(10));
      assertThat(second.status()).isEqualTo(RunStatus.RUNNING);
      assertThat(started.availablePermits()).as("the second attempt has not started").isZero();

      finish.countDown(); // the deaf attempt ends and frees its thread
      acquire(started);
      assertThat(second.result().status()).isEqualTo(RunStatus.SUCCEEDED);
      Poll.until("the deaf attempt ends", Duration.ofSeconds(10),
          () -> engine.lingeringAttempts() == 0);
      logs.awaitLogged(Level.WARN, "attempt 1 of step 'test.deaf' ended", Duration.ofSeconds(10));
    }
  }
}
