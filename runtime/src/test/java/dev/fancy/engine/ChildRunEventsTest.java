package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunStatus;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.value.TypeRef;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events of child runs say which child they belong to: its run, the run and control-flow step
 * that started it and its position, so a listener can tell map elements apart; each child run
 * starts and finishes with an event of its own, and the top-level run's events frame them all.
 */
class ChildRunEventsTest {

  @TempDir
  Path dir;

  private final StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module());
  private final Cell<List<Integer>> items = Cell.input("items", new TypeRef<List<Integer>>() {});
  private final Cell<List<Integer>> results =
      Flow.map(items, 2, item -> MathSteps.add(item, 100).out());
  private final Workflow workflow = Workflow.of("elements", results);

  private void check(WorkflowEngine engine) {
    RunHandle run = engine.start(workflow, Inputs.of(items, List.of(1, 2, 3)));
    assertThat(run.await(Duration.ofSeconds(30))).isEqualTo(RunStatus.SUCCEEDED);
    List<RunEvent> events = run.events(1);
    UUID mapStep = results.producer().id();

    assertThat(events.get(0).type()).isEqualTo(RunEvent.Type.RUN_STARTED);
    assertThat(events.get(events.size() - 1).type()).isEqualTo(RunEvent.Type.RUN_FINISHED);
    assertThat(events).filteredOn(e -> e.child() == null)
        .extracting(RunEvent::type).containsExactly(RunEvent.Type.RUN_STARTED,
            RunEvent.Type.ATTEMPT_STARTED, RunEvent.Type.STEP_SUCCEEDED,
            RunEvent.Type.RUN_FINISHED);

    List<RunEvent> started = events.stream()
        .filter(e -> e.type() == RunEvent.Type.CHILD_RUN_STARTED).toList();
    assertThat(started).extracting(e -> e.child().index()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(started).extracting(e -> e.child().label())
        .containsExactlyInAnyOrder("element 0", "element 1", "element 2");
    assertThat(started).allSatisfy(e -> {
      assertThat(e.child().parentRunId()).isEqualTo(run.id());
      assertThat(e.child().parentStepId()).isEqualTo(mapStep);
      assertThat(e.runId()).isEqualTo(run.id());
    });
    // Every element's own events carry its child run: start, its step's start and end, finish.
    Map<UUID, List<RunEvent.Type>> byChild = events.stream().filter(e -> e.child() != null)
        .collect(Collectors.groupingBy(e -> e.child().runId(),
            Collectors.mapping(RunEvent::type, Collectors.toList())));
    assertThat(byChild).hasSize(3).allSatisfy((child, types) -> assertThat(types)
        .containsExactly(RunEvent.Type.CHILD_RUN_STARTED, RunEvent.Type.ATTEMPT_STARTED,
            RunEvent.Type.STEP_SUCCEEDED, RunEvent.Type.CHILD_RUN_FINISHED));
    assertThat(events).filteredOn(e -> e.type() == RunEvent.Type.CHILD_RUN_FINISHED)
        .extracting(RunEvent::status).containsOnly("SUCCEEDED");
  }

  @Test
  void inMemory() {
    try (Engine engine = Engine.builder().registry(registry).build()) {
      check(engine);
    }
  }

  @Test
  void durableEventsKeepTheirChildThroughTheJournal() {
    try (Journal journal = Journal.open(dir.resolve("journal.db"));
        DurableEngine engine = DurableEngine.builder(journal).registry(registry).open()) {
      check(engine);
    }
  }
}
