package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.LogCapture;
import dev.fancy.fixtures.ManualTicker;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * A step's heartbeat timeout: an attempt that goes longer than it without
 * {@code frame.heartbeat()} is taken as hung (TIMED_OUT) and retried; one that keeps beating
 * runs as long as it needs.
 */
class HeartbeatTest {

  /** What the test tells the running attempt to do next: "beat", "hang" or "finish". */
  private final BlockingQueue<String> orders = new LinkedBlockingQueue<>();
  /** What the attempt reports back: "started <attempt>", "beat", "hanging". */
  private final BlockingQueue<String> reports = new LinkedBlockingQueue<>();

  private final StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module())
      .register(Call.intStep("test.long", (frame, args) -> {
        reports.add("started " + frame.attempt());
        while (true) {
          String order = orders.poll(10, TimeUnit.SECONDS);
          if (order == null || order.equals("finish")) {
            return new Object[] {(Integer) args[0] * 10};
          }
          if (order.equals("beat")) {
            frame.heartbeat();
            reports.add("beat");
          } else {
            reports.add("hanging");
            Thread.sleep(60_000); // hangs until interrupted
          }
        }
      }));

  private final Cell<Integer> x = Cell.input("x", Integer.class);

  private String report() throws InterruptedException {
    String report = reports.poll(10, TimeUnit.SECONDS);
    assertThat(report).as("the attempt reported").isNotNull();
    return report;
  }

  @Test
  void anAttemptThatStopsBeatingIsTimedOutAndRetried() throws Exception {
    Call<Integer> step = new Call<>("test.long", Call.unary(MathSteps.INT), x);
    step.options(StepOptions.DEFAULT.withHeartbeatTimeout(Duration.ofSeconds(30))
        .withRetry(RetryPolicy.exponential(2, Duration.ZERO)));
    Workflow workflow = Workflow.of("long", step.out());
    ManualTicker ticker = new ManualTicker();
    try (LogCapture logs = LogCapture.of("dev.fancy.internal.core.Lingering");
        Engine engine = Engine.builder().registry(registry).ticker(ticker).build()) {
      RunHandle run = engine.start(workflow, Inputs.of(x, 4));
      assertThat(report()).isEqualTo("started 1");
      // Far longer than the heartbeat timeout in all, but never 30 s without a beat.
      for (int i = 0; i < 5; i++) {
        ticker.advance(Duration.ofSeconds(29));
        orders.add("beat");
        assertThat(report()).isEqualTo("beat");
      }
      assertThat(run.status()).isEqualTo(RunStatus.RUNNING);

      orders.add("hang");
      assertThat(report()).isEqualTo("hanging");
      ticker.advance(Duration.ofSeconds(29));
      assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
      ticker.advance(Duration.ofSeconds(1)); // 30 s since the last beat: hung
      assertThat(report()).isEqualTo("started 2");
      orders.add("finish");

      assertThat(run.await(Duration.ofSeconds(10))).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(run.result().get(step.out())).isEqualTo(40);
      assertThat(run.result().step(step).attempts()).extracting(AttemptRecord::status)
          .containsExactly(AttemptStatus.TIMED_OUT, AttemptStatus.SUCCEEDED);
      assertThat(run.result().step(step).attempts().get(0).error().message())
          .isEqualTo("attempt 1 of step 'test.long' sent no heartbeat for PT30S, its heartbeat "
              + "timeout: taken as hung");
      logs.awaitLogged(Level.WARN, "attempt 1 of step 'test.long' ended", Duration.ofSeconds(10));
    }
  }

  @Test
  void aHeartbeatTimeoutCountsFromTheAttemptsStart() throws Exception {
    Call<Integer> step = new Call<>("test.long", Call.unary(MathSteps.INT), x);
    step.options(StepOptions.DEFAULT.withHeartbeatTimeout(Duration.ofSeconds(5)));
    ManualTicker ticker = new ManualTicker();
    try (LogCapture logs = LogCapture.of("dev.fancy.internal.core.Lingering");
        Engine engine = Engine.builder().registry(registry).ticker(ticker).build()) {
      RunHandle run = engine.start(Workflow.of("silent", step.out()), Inputs.of(x, 1));
      assertThat(report()).isEqualTo("started 1");
      orders.add("hang");
      assertThat(report()).isEqualTo("hanging");
      ticker.advance(Duration.ofSeconds(5));
      assertThat(run.await(Duration.ofSeconds(10))).isEqualTo(RunStatus.FAILED);
      assertThat(run.result().step(step).attempts()).extracting(AttemptRecord::status)
          .containsExactly(AttemptStatus.TIMED_OUT);
      logs.awaitLogged(Level.WARN, "attempt 1 of step 'test.long' ended", Duration.ofSeconds(10));
    }
  }

  @Test
  void aZeroHeartbeatTimeoutIsRefusedNamingTheStep() {
    Call<Integer> step = new Call<>("test.long", Call.unary(MathSteps.INT), x);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> step.options(
            StepOptions.DEFAULT.withHeartbeatTimeout(Duration.ZERO)))
        .hasMessageContaining("heartbeat timeout is PT0S; it must be longer than zero");
  }
}
