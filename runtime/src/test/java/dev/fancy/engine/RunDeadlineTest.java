package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.LogCapture;
import dev.fancy.fixtures.ManualTicker;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.fixtures.Poll;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/**
 * A run's deadline and the grace a stopped run gives steps that ignore the interrupt: after it
 * the run ends CANCELLED without them, and their threads are counted as lingering until their
 * code returns, whose result is then dropped.
 */
class RunDeadlineTest {

  @TempDir
  Path dir;

  private final Semaphore started = new Semaphore(0);
  private final CountDownLatch finish = new CountDownLatch(1);
  private final AtomicInteger ended = new AtomicInteger();

  /** A step with no timeout whose code ignores interrupts until {@link #finish} opens. */
  private final StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module())
      .register(Call.intStep("test.deaf", (frame, args) -> {
        started.release();
        boolean done = false;
        while (!done) {
          try {
            done = finish.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException ignored) {
            // deaf to interrupts
          }
        }
        ended.incrementAndGet();
        return new Object[] {args[0]};
      }));

  private final Cell<Integer> x = Cell.input("x", Integer.class);
  private final Call<Integer> deaf = new Call<>("test.deaf", Call.unary(MathSteps.INT), x);
  private final Cell<Integer> after = MathSteps.add(deaf.out(), 1).out();
  private final Workflow workflow = Workflow.of("deaf", after);

  private void acquire(Semaphore semaphore) throws InterruptedException {
    assertThat(semaphore.tryAcquire(10, TimeUnit.SECONDS)).as("the step started").isTrue();
  }

  @Test
  void aCancelledRunWhoseStepIgnoresTheInterruptEndsAfterTheGrace() throws Exception {
    ManualTicker ticker = new ManualTicker();
    try (LogCapture logs = LogCapture.of("dev.fancy.internal.core.Lingering");
        Engine engine = Engine.builder().registry(registry).ticker(ticker).build()) {
      RunHandle run = engine.start(workflow, Inputs.of(x, 1),
          RunOptions.builder().cancelGrace(Duration.ofSeconds(5)).build());
      acquire(started);

      run.cancel("enough");
      ticker.advance(Duration.ofMillis(4_999));
      assertThat(run.status()).as("within the grace the run waits").isEqualTo(RunStatus.RUNNING);
      ticker.advance(Duration.ofMillis(1));

      assertThat(run.await(Duration.ofSeconds(10))).isEqualTo(RunStatus.CANCELLED);
      RunResult result = run.result();
      StepRecord step = result.step(deaf);
      assertThat(step.status()).isEqualTo(StepStatus.CANCELLED);
      assertThat(step.error().message()).isEqualTo("abandoned: its code ignored the interrupt "
          + "for PT5S after the run was stopped: enough");
      assertThat(step.attempts()).singleElement().extracting(AttemptRecord::status)
          .isEqualTo(AttemptStatus.ABANDONED);
      assertThat(result.step(after.producer()).status()).isEqualTo(StepStatus.SKIPPED);
      assertThat(engine.lingeringAttempts()).isEqualTo(1);

      finish.countDown(); // the code returns at last: its result is dropped
      Poll.until("the abandoned code ends", Duration.ofSeconds(10),
          () -> engine.lingeringAttempts() == 0);
      assertThat(ended).hasValue(1);
      logs.awaitLogged(Level.WARN, "step 'test.deaf' of run " + run.id() + " ended",
          Duration.ofSeconds(10));
      assertThat(run.result().step(deaf).status()).isEqualTo(StepStatus.CANCELLED);
    }
  }

  @Test
  void aRunPastItsDeadlineIsCancelledWithTheDeadlineAsItsError() throws Exception {
    ManualTicker ticker = new ManualTicker();
    try (LogCapture logs = LogCapture.of("dev.fancy.internal.core.Lingering");
        Engine engine = Engine.builder().registry(registry).ticker(ticker).build()) {
      RunHandle run = engine.start(workflow, Inputs.of(x, 1), RunOptions.builder()
          .deadline(Duration.ofMinutes(2)).cancelGrace(Duration.ZERO).build());
      acquire(started);
      ticker.advance(Duration.ofSeconds(119));
      assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
      ticker.advance(Duration.ofSeconds(1));

      assertThat(run.await(Duration.ofSeconds(10))).isEqualTo(RunStatus.CANCELLED);
      RunResult result = run.result();
      assertThat(result.info().error().type()).isEqualTo(ErrorInfo.DEADLINE);
      assertThat(result.info().error().message())
          .isEqualTo("the run's deadline of PT2M passed");
      finish.countDown();
      logs.awaitLogged(Level.WARN, "step 'test.deaf' of run " + run.id() + " ended",
          Duration.ofSeconds(10));
    }
  }

  @Test
  void aRunThatEndsBeforeItsDeadlineLeavesNoTimerBehind() {
    ManualTicker ticker = new ManualTicker();
    finish.countDown();
    try (Engine engine = Engine.builder().registry(registry).ticker(ticker).build()) {
      RunResult result = engine.run(workflow, Inputs.of(x, 1),
          RunOptions.builder().deadline(Duration.ofHours(1)).build());
      assertThat(result.get(after)).isEqualTo(2);
      assertThat(ticker.pending()).isZero();
    }
  }

  @Test
  void badDeadlinesAndGracesAreRefused() {
    assertThatThrownBy(() -> RunOptions.builder().deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a run's deadline must be positive, not PT0S");
    assertThatThrownBy(() -> RunOptions.builder().cancelGrace(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a run's cancel grace must be zero or positive, not PT-1S");
  }

  @Test
  void aDurableAttemptAbandonedAfterTheGraceCommitsNothingWhenItsCodeReturns()
      throws Exception {
    ManualTicker ticker = new ManualTicker();
    try (LogCapture logs = LogCapture.of("dev.fancy.internal.core.Lingering");
        Journal journal = Journal.open(dir.resolve("journal.db"));
        DurableEngine engine = DurableEngine.builder(journal).registry(registry)
            .lease(Duration.ofMinutes(10)).takeoverInterval(Duration.ofHours(1)).ticker(ticker)
            .open()) {
      RunHandle run = engine.start(workflow, Inputs.of(x, 1),
          RunOptions.builder().cancelGrace(Duration.ofSeconds(1)).build());
      acquire(started);
      run.cancel("enough");
      ticker.advance(Duration.ofSeconds(1));
      assertThat(run.await(Duration.ofSeconds(10))).isEqualTo(RunStatus.CANCELLED);

      finish.countDown();
      Poll.until("the abandoned code ends", Duration.ofSeconds(10),
          () -> engine.lingeringAttempts() == 0);
      StepRecord step = engine.handle(run.id()).history().steps().stream()
          .filter(record -> record.stepId().equals(deaf.id())).findFirst().orElseThrow();
      assertThat(step.status()).isEqualTo(StepStatus.CANCELLED);
      assertThat(step.attempts()).singleElement().extracting(AttemptRecord::status)
          .isEqualTo(AttemptStatus.ABANDONED);
      logs.awaitLogged(Level.WARN, "step 'test.deaf' of run " + run.id() + " ended",
          Duration.ofSeconds(10));
    }
  }
}
