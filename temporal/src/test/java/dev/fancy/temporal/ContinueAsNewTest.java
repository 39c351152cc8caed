package dev.fancy.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.filter.v1.WorkflowExecutionFilter;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Long runs that are not maps continue as new: one execution's history stays under the engine's
 * limit, and the run reads as one run (records, values, events) across its executions.
 */
class ContinueAsNewTest {

  /** The history limit of these tests: a chain step costs about six events. */
  private static final int LIMIT = 40;

  @RegisterExtension
  final InProcessTemporal temporal = new InProcessTemporal();

  private TemporalEngine.Builder engine(String queue) {
    return temporal.engine(queue, StepRegistry.empty().register(new MathSteps.Module()));
  }

  @Test
  void aLongChainContinuesAsNewWithBoundedHistoriesAndReadsAsOneRun() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<Integer> cell = x;
    for (int i = 0; i < 30; i++) {
      cell = MathSteps.add(cell, 1).out();
    }
    Workflow workflow = Workflow.of("long chain", cell);
    try (TemporalEngine engine = engine("long").continueAsNewAfter(LIMIT).localWorker(true)
        .build()) {
      RunHandle run = engine.start(workflow, Inputs.of(x, 12));
      assertThat(run.await(Duration.ofSeconds(60))).isEqualTo(RunStatus.SUCCEEDED);
      RunResult result = run.result();

      assertThat(result.get(cell)).isEqualTo(42);
      assertThat(result.history()).hasSize(30).allSatisfy(step -> {
        assertThat(step.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(step.attempts()).extracting(AttemptRecord::attempt).containsExactly(1);
      });
      List<RunEvent> events = run.events(1);
      assertThat(events).extracting(RunEvent::sequence)
          .isEqualTo(IntStream.rangeClosed(1, events.size()).asLongStream().boxed().toList());
      assertThat(events).filteredOn(e -> e.type() == RunEvent.Type.RUN_STARTED).hasSize(1);
      assertThat(events).filteredOn(e -> e.type() == RunEvent.Type.STEP_SUCCEEDED).hasSize(30);
      assertThat(events).last().extracting(RunEvent::type).isEqualTo(RunEvent.Type.RUN_FINISHED);
      assertThat(result.startedAt()).isEqualTo(events.get(0).at());

      List<WorkflowExecutionInfo> continued = closed(run).stream().filter(e -> e.getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW).toList();
      assertThat(continued).as("executions continued as new").hasSizeGreaterThanOrEqualTo(3);
      for (WorkflowExecutionInfo execution : closed(run)) {
        // One step in flight when the limit is reached: its completion and the continue-as-new.
        assertThat(engine.client().fetchHistory(execution.getExecution().getWorkflowId(),
            execution.getExecution().getRunId()).getEvents())
            .as("history of execution %s", execution.getExecution().getRunId())
            .hasSizeLessThanOrEqualTo(LIMIT + 10);
      }
    }
  }

  @Test
  void stepsThatEndedBeforeContinuingKeepTheirOutcomeInTheNextExecution() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    MathSteps.UnaryStep<Integer> failed = MathSteps.fail(x);
    MathSteps.AddStep afterFailure = MathSteps.add(failed.out(), 1);
    Cell<Integer> cell = x;
    for (int i = 0; i < 20; i++) {
      cell = MathSteps.add(cell, 1).out();
    }
    Workflow workflow = Workflow.of("failure and chain", afterFailure.out(), cell);
    try (TemporalEngine engine = engine("ended").continueAsNewAfter(LIMIT).localWorker(true)
        .build()) {
      RunHandle run = engine.start(workflow, Inputs.of(x, 0));
      assertThat(run.await(Duration.ofSeconds(60))).isEqualTo(RunStatus.FAILED);
      RunResult result = run.result();

      StepRecord failure = result.step(failed);
      assertThat(failure.status()).isEqualTo(StepStatus.FAILED);
      assertThat(failure.attempts()).hasSize(1);
      assertThat(failure.error().message()).contains("boom at 0");
      assertThat(result.step(afterFailure).status()).isEqualTo(StepStatus.SKIPPED);
      assertThat(result.history()).filteredOn(s -> s.status() == StepStatus.SUCCEEDED)
          .hasSize(20);
      List<RunEvent> events = run.events(1);
      assertThat(events).filteredOn(e -> e.type() == RunEvent.Type.STEP_SKIPPED).hasSize(1);
      assertThat(events).filteredOn(e -> e.type() == RunEvent.Type.STEP_FAILED).hasSize(1);
      assertThat(closed(run)).filteredOn(e -> e.getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW).isNotEmpty();
    }
  }

  @Test
  void aHistoryLimitOutsideItsRangeIsRefusedWithTheRange() {
    assertThatThrownBy(() -> engine("bad").continueAsNewAfter(5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("continueAsNewAfter(5)").hasMessageContaining("20 to 40,000");
    assertThatThrownBy(() -> engine("bad").continueAsNewAfter(50_000))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("about 50,000");
  }

  /** Every closed execution of the run's workflow ID. */
  private List<WorkflowExecutionInfo> closed(RunHandle run) {
    return temporal.environment().getWorkflowServiceStubs().blockingStub()
        .listClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest.newBuilder()
            .setNamespace(temporal.environment().getNamespace())
            .setExecutionFilter(WorkflowExecutionFilter.newBuilder()
                .setWorkflowId(run.id().toString())).build()).getExecutionsList();
  }
}
