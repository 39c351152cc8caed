package dev.fancy.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code frame.checkpoint} on Temporal is the activity's heartbeat details, which the retried
 * activity reads back; a step's heartbeat timeout fails an attempt that stops heartbeating; a
 * run's deadline is Temporal's workflow execution timeout.
 */
class CheckpointHeartbeatTest {

  @RegisterExtension
  final InProcessTemporal temporal = new InProcessTemporal();
  /** Per attempt, the checkpoint it found when it started (-1 for none). */
  private final List<Integer> resumedFrom = new CopyOnWriteArrayList<>();
  private final CountDownLatch never = new CountDownLatch(1);
  /** Opened by the test once Temporal holds the first attempt's heartbeat details. */
  private final CountDownLatch detailsSeen = new CountDownLatch(1);

  private final StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module())
      // Counts to 10 from its last checkpoint, checkpointing each number; the first attempt
      // fails at 6 once Temporal has its checkpoint (the test watches the pending activity).
      .register(Call.intStep("test.count", (frame, args) -> {
        int from = frame.lastCheckpoint(Integer.class).orElse(-1);
        resumedFrom.add(from);
        for (int i = from + 1; i <= 10; i++) {
          frame.checkpoint(i);
          if (i == 6 && frame.attempt() == 1) {
            if (!detailsSeen.await(30, TimeUnit.SECONDS)) {
              throw new AssertionError("the checkpoint never reached Temporal");
            }
            throw new IllegalStateException("lost the GPU at 6");
          }
        }
        return new Object[] {(Integer) args[0] + 10};
      }))
      // Beats once, then hangs (until interrupted).
      .register(Call.intStep("test.hang", (frame, args) -> {
        frame.heartbeat();
        never.await(60, TimeUnit.SECONDS);
        return new Object[] {args[0]};
      }));

  @AfterEach
  void stop() {
    never.countDown(); // before the server closes (extensions close after @AfterEach)
  }

  private TemporalEngine engine(String queue) {
    return temporal.engine(queue, registry).localWorker(true)
        .heartbeatEvery(Duration.ofMillis(200)).build();
  }

  @Test
  void aRetriedStepResumesFromItsLastCheckpoint() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> count = new Call<>("test.count", Call.unary(MathSteps.INT), x);
    count.options(StepOptions.DEFAULT.withRetry(RetryPolicy.exponential(2, Duration.ZERO)));
    try (TemporalEngine engine = engine("checkpoints")) {
      dev.fancy.run.RunHandle run = engine.start(Workflow.of("count", count.out()),
          Inputs.of(x, 1));
      dev.fancy.fixtures.Poll.until("the checkpoint is in the activity's heartbeat details",
          Duration.ofSeconds(30), () -> hasHeartbeatDetails(run.id().toString()));
      detailsSeen.countDown();
      assertThat(run.await(Duration.ofSeconds(60))).isEqualTo(RunStatus.SUCCEEDED);
      RunResult result = run.result();
      assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(result.get(count.out())).isEqualTo(11);
      assertThat(resumedFrom).containsExactly(-1, 6);
    }
  }

  private boolean hasHeartbeatDetails(String workflowId) {
    var response = temporal.environment().getWorkflowServiceStubs().blockingStub()
        .describeWorkflowExecution(
        io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(temporal.environment().getNamespace())
            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                .setWorkflowId(workflowId)).build());
    return response.getPendingActivitiesList().stream()
        .anyMatch(activity -> activity.hasHeartbeatDetails()
            && activity.getHeartbeatDetails().getPayloadsCount() > 0);
  }

  @Test
  void aStepThatStopsHeartbeatingIsTimedOut() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> hang = new Call<>("test.hang", Call.unary(MathSteps.INT), x);
    hang.options(StepOptions.DEFAULT.withHeartbeatTimeout(Duration.ofMillis(500)));
    try (TemporalEngine engine = engine("hung")) {
      RunResult result = engine.run(Workflow.of("hang", hang.out()), Inputs.of(x, 1));
      assertThat(result.status()).isEqualTo(RunStatus.FAILED);
      assertThat(result.step(hang).attempts()).extracting(AttemptRecord::status)
          .containsExactly(AttemptStatus.TIMED_OUT);
      assertThat(result.step(hang).attempts().get(0).error().message())
          .isEqualTo("attempt 1 of step 'test.hang' sent no heartbeat for PT0.5S, its heartbeat "
              + "timeout: taken as hung");
    }
  }

  @Test
  void aRunPastItsDeadlineEndsCancelledWithTheDeadlineAsItsError() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> hang = new Call<>("test.hang", Call.unary(MathSteps.INT), x);
    try (TemporalEngine engine = engine("deadline")) {
      dev.fancy.run.RunHandle run = engine.start(Workflow.of("late", hang.out()),
          Inputs.of(x, 1), dev.fancy.run.RunOptions.builder()
              .deadline(Duration.ofSeconds(2)).build());
      assertThat(run.await(Duration.ofSeconds(60))).isEqualTo(RunStatus.CANCELLED);
      assertThat(run.result().info().error().type())
          .isEqualTo(dev.fancy.run.ErrorInfo.DEADLINE);
    }
  }
}
