package dev.fancy.engine;

import dev.fancy.fixtures.Bind;
import dev.fancy.run.RunStatus;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunListener;
import dev.fancy.run.StepEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ListenerTest {

  @Test
  void chunksArriveInOrderBetweenStepEventsAndAFailingListenerChangesNothing() {
    StepRegistry registry = StepRegistry.empty()
        .register(Call.intStep("test.chatty", (frame, args) -> {
          for (int i = 0; i < 100; i++) {
            frame.emit("token " + i);
          }
          return new Object[] {args[0]};
        }))
        .register(Call.intStep("test.fail", (frame, args) -> {
          throw new IllegalStateException("no");
        }));
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    RunListener recorder = new RunListener() {
      @Override
      public void runStarted(UUID runId, String workflowName) {
        events.add("run started " + workflowName);
      }

      @Override
      public void stepStarted(StepEvent step) {
        events.add("started " + step.slug());
      }

      @Override
      public void chunk(StepEvent step, int attempt, long sequence, Object chunk) {
        events.add("chunk " + sequence + " " + chunk);
      }

      @Override
      public void stepSucceeded(StepEvent step) {
        events.add("succeeded " + step.slug());
      }

      @Override
      public void stepFailed(StepEvent step, Throwable error) {
        events.add("failed " + step.slug());
      }

      @Override
      public void stepSkipped(StepEvent step, String reason) {
        events.add("skipped " + step.slug() + ": " + reason);
      }

      @Override
      public void runFinished(RunResult result) {
        events.add("run finished " + result.status());
      }
    };
    RunListener broken = new RunListener() {
      @Override
      public void chunk(StepEvent step, int attempt, long sequence, Object chunk) {
        throw new IllegalStateException("listener bug");
      }
    };
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> chatty = new Call<>("test.chatty", Call.unary(MathSteps.INT), x);
    Call<Integer> failing = new Call<>("test.fail", Call.unary(MathSteps.INT), chatty.out());
    Call<Integer> never = new Call<>("test.chatty", Call.unary(MathSteps.INT), failing.out());
    try (Engine engine = Engine.builder().registry(registry).listener(broken).build()) {
      RunResult result = engine.run(Workflow.of("talk", never.out()), Bind.inputs(Workflow.of("talk", never.out()), Map.of("x", 1)),
          RunOptions.builder().listener(recorder).build());
      assertThat(result.status()).isEqualTo(RunStatus.FAILED);
    }
    List<String> expected = new ArrayList<>();
    expected.add("run started talk");
    expected.add("started test.chatty");
    for (int i = 0; i < 100; i++) {
      expected.add("chunk " + i + " token " + i);
    }
    expected.add("succeeded test.chatty");
    expected.add("started test.fail");
    expected.add("failed test.fail");
    expected.add("skipped test.chatty: step 'test.fail' failed");
    expected.add("run finished FAILED");
    assertThat(events).containsExactlyElementsOf(expected);
  }
}
