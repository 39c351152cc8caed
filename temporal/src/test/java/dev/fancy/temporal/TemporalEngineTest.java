package dev.fancy.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Capability;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.value.TypeRef;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.Workflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.stream.IntStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the conformance suite does not cover: engines in other processes, refusals. */
class TemporalEngineTest {

  @RegisterExtension
  final InProcessTemporal temporal = new InProcessTemporal();

  private TemporalEngine.Builder engine(String queue) {
    return temporal.engine(queue, StepRegistry.empty().register(new MathSteps.Module()));
  }

  @Test
  void anotherEngineReadsARunItDidNotStartFromTemporalAlone() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    MathSteps.AddStep add = MathSteps.add(x, 1);
    Workflow workflow = Workflow.of("shared", add.out());
    try (TemporalEngine starter = engine("shared").localWorker(true).build();
        TemporalEngine reader = engine("shared").build()) {
      RunHandle run = starter.start(workflow, Inputs.of(x, 41));
      assertThat(run.await(Duration.ofSeconds(30))).isEqualTo(RunStatus.SUCCEEDED);

      RunHandle seen = reader.handle(run.id());
      RunResult result = seen.result();
      assertThat(result.get(add.out())).isEqualTo(42);
      assertThat(result.workflow()).isEqualTo(workflow);
      assertThat(seen.events(1)).extracting(RunEvent::type).startsWith(RunEvent.Type.RUN_STARTED)
          .endsWith(RunEvent.Type.RUN_FINISHED);
      assertThat(reader.capabilities().supports(Capability.DURABLE_RUNS)).isTrue();
    }
  }

  @Test
  void aMapOverTenThousandElementsRunsInChildWorkflowsWithinHistoryLimits() {
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    Cell<Integer> offset = Cell.input("offset", Integer.class);
    Cell<List<Integer>> shifted = Flow.map(numbers, 200, n -> MathSteps.add(n, offset).out());
    List<Integer> input = IntStream.range(0, 10_000).boxed().toList();
    try (TemporalEngine engine = engine("large-map").localWorker(true).build()) {
      RunResult result = engine.run(Workflow.of("large map", shifted),
          Inputs.of(numbers, input).and(offset, 7)).requireSucceeded();

      assertThat(result.get(shifted)).isEqualTo(input.stream().map(i -> i + 7).toList());
      List<HistoryEvent> parent = engine.client().fetchHistory(result.runId().toString())
          .getEvents();
      assertThat(parent).filteredOn(e -> e.getEventType()
          == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED).hasSize(10);
      assertThat(parent.size()).as("the parent's history").isLessThan(1_000);
      String firstBatch = parent.stream().filter(HistoryEvent::hasStartChildWorkflowExecutionInitiatedEventAttributes)
          .findFirst().orElseThrow().getStartChildWorkflowExecutionInitiatedEventAttributes()
          .getWorkflowId();
      assertThat(engine.client().fetchHistory(firstBatch).getEvents().size())
          .as("a batch's history").isLessThan(50_000);
    }
  }

  @Test
  void aRunCancelledOrTerminatedThroughTemporalEndsCancelledForFancy() throws Exception {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(2);
    StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module())
        .register(dev.fancy.fixtures.Call.intStep("test.wait", (frame, args) -> {
          started.countDown();
          new java.util.concurrent.CountDownLatch(1).await(); // until interrupted
          return new Object[] {args[0]};
        }));
    Cell<Integer> x = Cell.input("x", Integer.class);
    dev.fancy.fixtures.Call<Integer> wait = new dev.fancy.fixtures.Call<>("test.wait",
        dev.fancy.fixtures.Call.unary(MathSteps.INT), MathSteps.add(x, 1).out());
    Workflow workflow = Workflow.of("stopped", wait.out());
    try (TemporalEngine engine = engine("stopped").registry(registry).localWorker(true)
        .heartbeatTimeout(Duration.ofSeconds(1)).build()) {
      RunHandle cancelled = engine.start(workflow, Inputs.of(x, 1));
      RunHandle terminated = engine.start(workflow, Inputs.of(x, 2));
      assertThat(started.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      engine.client().newUntypedWorkflowStub(cancelled.id().toString()).cancel();
      engine.client().newUntypedWorkflowStub(terminated.id().toString()).terminate("operator");

      for (RunHandle run : List.of(cancelled, terminated)) {
        assertThat(run.await(Duration.ofSeconds(30))).isEqualTo(RunStatus.CANCELLED);
        RunResult result = run.result();
        assertThat(result.stopReason()).hasValueSatisfying(reason -> assertThat(reason)
            .startsWith("stopped through Temporal"));
        assertThat(result.step(wait).status()).isEqualTo(dev.fancy.run.StepStatus.CANCELLED);
        assertThat(run.events(1)).last().extracting(RunEvent::type)
            .isEqualTo(RunEvent.Type.RUN_FINISHED);
      }
    }
  }

  @Test
  void controlFlowStepsRecordTheirChildRunsLikeTheLocalEngines() {
    Cell<Boolean> big = Cell.input("big", Boolean.class);
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<Integer> out = Flow.ifElse(big, () -> MathSteps.add(x, 1000).out(),
        () -> MathSteps.add(x, 1).out());
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    Cell<List<Integer>> shifted = Flow.map(numbers, 2, n -> MathSteps.add(n, x).out());
    Workflow workflow = Workflow.of("children", out, shifted);
    try (TemporalEngine engine = engine("children").localWorker(true).build()) {
      RunResult result = engine.run(workflow,
          Inputs.of(big, true).and(x, 1).and(numbers, List.of(5, 6, 7))).requireSucceeded();
      assertThat(result.step((dev.fancy.workflow.WorkflowStep) out.producer()).children())
          .extracting(dev.fancy.run.ChildRun::label, dev.fancy.run.ChildRun::status,
              dev.fancy.run.ChildRun::note)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("branch true", RunStatus.SUCCEEDED, null),
              org.assertj.core.groups.Tuple.tuple("branch false", null,
                  "not taken: the condition was true"));
      assertThat(result.step((dev.fancy.workflow.WorkflowStep) shifted.producer()).children())
          .extracting(dev.fancy.run.ChildRun::label)
          .containsExactly("element 0", "element 1", "element 2");
    }
  }

  @Test
  void aRunContextIsRefusedWithTheRuleTemporalFollows() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    try (TemporalEngine engine = engine("context").build()) {
      assertThatThrownBy(() -> engine.start(Workflow.of("w", MathSteps.add(x, 1).out()),
          Inputs.of(x, 1), RunOptions.builder().context(inputs -> List.of()).build()))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("steps exchange data only through cells");
      assertThat(engine.capabilities().reasonMissing(Capability.SHARED_RUN_CONTEXT)).isPresent();
    }
  }

  @Test
  void aClosedEngineRefusesRuns() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    TemporalEngine engine = engine("closed").build();
    engine.close();
    assertThatThrownBy(() -> engine.start(Workflow.of("w", MathSteps.add(x, 1).out()),
        Inputs.of(x, 1))).isInstanceOf(IllegalStateException.class);
  }
}
