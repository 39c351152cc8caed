package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.Bind;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.LogCapture;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunListener;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

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
    List<Long> sequences = Collections.synchronizedList(new ArrayList<>());
    RunListener recorder = event -> {
      sequences.add(event.sequence());
      events.add(switch (event.type()) {
        case RUN_STARTED -> "run started";
        case ATTEMPT_STARTED -> "started " + event.slug();
        case CHUNK -> "chunk " + event.chunk().asText();
        case STEP_SUCCEEDED -> "succeeded " + event.slug();
        case STEP_FAILED -> "failed " + event.slug() + ": " + event.error().message();
        case STEP_SKIPPED -> "skipped " + event.slug() + ": " + event.error().message();
        case RUN_FINISHED -> "run finished " + event.status();
        default -> event.type().toString();
      });
    };
    RunListener broken = event -> {
      if (event.type() == RunEvent.Type.CHUNK) {
        throw new IllegalStateException("listener bug");
      }
    };
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> chatty = new Call<>("test.chatty", Call.unary(MathSteps.INT), x);
    Call<Integer> failing = new Call<>("test.fail", Call.unary(MathSteps.INT), chatty.out());
    Call<Integer> never = new Call<>("test.chatty", Call.unary(MathSteps.INT), failing.out());
    try (Engine engine = Engine.builder().registry(registry).listener(broken).build();
        LogCapture logs = LogCapture.of("dev.fancy.internal.core.EventLog")) {
      RunResult result = engine.run(Workflow.of("talk", never.out()), Bind.inputs(Workflow.of("talk", never.out()), Map.of("x", 1)),
          RunOptions.builder().listener(recorder).build());
      assertThat(result.status()).isEqualTo(RunStatus.FAILED);
      assertThat(logs.assertLogged(Level.WARN, "failed on event"))
          .as("one warning per chunk the broken listener threw on, with its exception")
          .hasSize(100).allSatisfy(e -> assertThat(e.getThrowableProxy().getMessage())
              .isEqualTo("listener bug"));
    }
    List<String> expected = new ArrayList<>();
    expected.add("run started");
    expected.add("started test.chatty");
    for (int i = 0; i < 100; i++) {
      expected.add("chunk token " + i);
    }
    expected.add("succeeded test.chatty");
    expected.add("started test.fail");
    expected.add("failed test.fail: no");
    expected.add("skipped test.chatty: step 'test.fail' failed");
    expected.add("run finished FAILED");
    assertThat(events).containsExactlyElementsOf(expected);
    assertThat(sequences).as("numbered in order, without gaps").isSorted()
        .doesNotHaveDuplicates().hasSize(expected.size()).startsWith(1L);
  }
}
