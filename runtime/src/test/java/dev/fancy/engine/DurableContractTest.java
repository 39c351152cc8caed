package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.Poll;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Capability;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.EventSubscription;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunNotFoundException;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunPage;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine contract as {@link DurableEngine} implements it: handles, history, events and queries
 * read from the journal, so a second engine on the same file (as another process would) sees what
 * the first one did.
 */
class DurableContractTest {

  @TempDir
  Path dir;
  private final JournalKit kit = new JournalKit();

  private Path file() {
    return dir.resolve("journal.db");
  }

  private DurableEngine open(Journal journal, StepRegistry registry) {
    return DurableEngine.builder(journal).registry(registry).lease(Duration.ofSeconds(30))
        .takeoverInterval(Duration.ofHours(1)).open();
  }

  private static Cell<Integer> input(Workflow workflow) {
    @SuppressWarnings("unchecked")
    Cell<Integer> x = (Cell<Integer>) workflow.inputs().get(0);
    return x;
  }

  @Test
  void anotherEngineOnTheJournalReadsTheRunsHistoryEventsAndTypedResult() {
    Workflow workflow = JournalKit.chain("test.count", "test.fragile");
    UUID id;
    List<RunEvent> events;
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, kit.registry())) {
      RunHandle run = engine.start(workflow, Inputs.of(input(workflow), 4),
          RunOptions.builder().label("team", "journal").build());
      id = run.id();
      assertThat(run.await()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(run.result().get(workflow.outputs().get(0))).isEqualTo(50);
      Poll.until("the run's final event in the journal", Duration.ofSeconds(10),
          () -> run.events(1).stream().anyMatch(RunEvent::isFinal));
      events = run.events(1);
    }
    assertThat(events).extracting(RunEvent::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(events).extracting(RunEvent::type).containsExactly(RunEvent.Type.RUN_STARTED,
        RunEvent.Type.ATTEMPT_STARTED, RunEvent.Type.STEP_SUCCEEDED,
        RunEvent.Type.ATTEMPT_STARTED, RunEvent.Type.STEP_SUCCEEDED,
        RunEvent.Type.RUN_FINISHED);

    int executions = kit.executions.get();
    try (Journal journal = kit.open(file());
        DurableEngine other = open(journal, kit.registry())) {
      RunHandle run = other.handle(id);
      assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(run.events(1)).isEqualTo(events);
      assertThat(run.history().run().labels()).containsEntry("team", "journal");
      assertThat(run.history().steps()).extracting(StepRecord::status)
          .containsExactly(StepStatus.SUCCEEDED, StepStatus.SUCCEEDED);
      assertThat(run.history().steps().get(0).attempts().get(0).idempotencyKey())
          .startsWith(id + ":");
      RunResult result = run.result();
      assertThat(result.get(workflow.outputs().get(0))).as("decoded from the journal")
          .isEqualTo(50);
      assertThat(result.location(workflow.outputs().get(0)).getScheme()).isEqualTo("journal");
      List<RunEvent> replayed = Collections.synchronizedList(new ArrayList<>());
      EventSubscription subscription = run.subscribe(4, replayed::add);
      Poll.until("the replayed events", Duration.ofSeconds(10), () -> !subscription.isActive());
      assertThat(replayed).isEqualTo(events.subList(3, 6));
    }
    assertThat(kit.executions.get()).as("nothing ran again").isEqualTo(executions);
  }

  @Test
  void aSubscriptionToARunExecutingHereGetsEachEventAsItCommitsNotByPollingTheJournal() {
    Workflow workflow = JournalKit.chain("test.block", "test.count");
    try (Journal journal = kit.open(file());
        DurableEngine engine = DurableEngine.builder(journal).registry(kit.registry())
            .takeoverInterval(Duration.ofHours(1)).eventPoll(Duration.ofHours(1)).open()) {
      RunHandle run = engine.start(workflow, Inputs.of(input(workflow), 1));
      List<RunEvent> seen = Collections.synchronizedList(new ArrayList<>());
      EventSubscription subscription = run.subscribe(1, seen::add);
      try {
        Poll.until("the first step started", Duration.ofSeconds(10),
            () -> kit.started.getCount() == 0);
        kit.release.countDown();
        // With the journal read once, when the subscription began, every later event can only
        // have come from its commit.
        Poll.until("the run's final event", Duration.ofSeconds(10),
            () -> !subscription.isActive());
        assertThat(seen).extracting(RunEvent::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(seen).as("as the journal holds them").isEqualTo(run.events(1));
        assertThat(seen.get(5).type()).isEqualTo(RunEvent.Type.RUN_FINISHED);
      } finally {
        subscription.close();
      }
    }
  }

  @Test
  void aSubscriptionThroughAnotherJournalFollowsTheRunByReadingIt() {
    Workflow workflow = JournalKit.chain("test.block", "test.count");
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, kit.registry());
        Journal elsewhere = kit.open(file());
        DurableEngine watcher = open(elsewhere, kit.registry())) {
      RunHandle run = engine.start(workflow, Inputs.of(input(workflow), 1));
      List<RunEvent> seen = Collections.synchronizedList(new ArrayList<>());
      EventSubscription subscription = watcher.handle(run.id()).subscribe(1, seen::add);
      try {
        Poll.until("the first step started", Duration.ofSeconds(10),
            () -> kit.started.getCount() == 0);
        kit.release.countDown();
        Poll.until("the run's final event", Duration.ofSeconds(10),
            () -> !subscription.isActive());
        assertThat(seen).extracting(RunEvent::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(seen).isEqualTo(run.events(1));
      } finally {
        subscription.close();
      }
    }
  }

  @Test
  void theJournalCountsTheUsageOfChildRunsInItsRunsLedger() {
    StepRegistry registry = kit.registry().register(dev.fancy.fixtures.Call.intStep("test.pay",
        (frame, args) -> {
          frame.usage().cost(new java.math.BigDecimal("0.50"));
          return new Object[] {args[0]};
        }));
    Cell<java.util.List<Integer>> items = Cell.input("items",
        new dev.fancy.value.TypeRef<java.util.List<Integer>>() {});
    Cell<java.util.List<Integer>> paid = dev.fancy.workflow.Flow.map(items, 2,
        item -> new dev.fancy.fixtures.Call<Integer>("test.pay",
            dev.fancy.fixtures.Call.unary(dev.fancy.fixtures.MathSteps.INT), item).out());
    Workflow workflow = Workflow.of("pay", paid);
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, registry)) {
      RunHandle run = engine.start(workflow, Inputs.of(items, java.util.List.of(1, 2, 3, 4)));
      assertThat(run.await()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(run.result().usage().cost()).as("in memory").isEqualByComparingTo("2.00");
      assertThat(journal.usage(run.id()).cost()).as("journaled, so a resume counts it")
          .isEqualByComparingTo("2.00");
      assertThat(engine.runs(RunQuery.ALL).runs().get(0).usage().cost())
          .isEqualByComparingTo("2.00");
    }
  }

  @Test
  void aResumedRunNumbersItsEventsOnFromTheJournaledOnes() {
    Workflow workflow = JournalKit.chain("test.count", "test.fragile");
    kit.broken.set(true);
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, kit.registry())) {
      RunHandle run = engine.start(workflow, Inputs.of(input(workflow), 1));
      assertThat(run.await()).isEqualTo(RunStatus.FAILED);
      assertThat(run.history().run().error().message()).contains("broken");
      Poll.until("the failed run's final event", Duration.ofSeconds(10),
          () -> run.events(1).stream().anyMatch(RunEvent::isFinal));
      long last = run.events(1).size();

      kit.broken.set(false);
      RunHandle resumed = engine.resume(run.id());
      assertThat(resumed.await()).isEqualTo(RunStatus.SUCCEEDED);
      Poll.until("the resumed run's final event", Duration.ofSeconds(10),
          () -> resumed.events(last + 1).stream().anyMatch(RunEvent::isFinal));
      List<RunEvent> all = resumed.events(1);
      assertThat(all).extracting(RunEvent::sequence).doesNotHaveDuplicates()
          .isSorted().startsWith(1L).endsWith((long) all.size());
      assertThat(all.get((int) last).type()).isEqualTo(RunEvent.Type.RUN_STARTED);
      assertThat(resumed.history().steps().get(1).attempts()).hasSize(2);
    }
  }

  @Test
  void runsAreQueriedByStatusWorkflowLabelAndTimeAndPagedWithoutGaps() {
    Workflow chain = JournalKit.chain("test.count");
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, kit.registry())) {
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        kit.clock.advance(Duration.ofSeconds(1));
        RunHandle run = engine.start(chain, Inputs.of(input(chain), i), RunOptions.builder()
            .label("batch", i < 3 ? "a" : "b").build());
        run.await();
        ids.add(run.id());
      }
      kit.broken.set(true);
      Workflow fragile = JournalKit.chain("test.fragile");
      RunHandle failed = engine.start(fragile, Inputs.of(input(fragile), 1));
      failed.await();

      List<UUID> seen = new ArrayList<>();
      RunQuery query = RunQuery.builder().workflow("chain").status(RunStatus.SUCCEEDED)
          .limit(3).build();
      RunPage page = engine.runs(query);
      int pages = 1;
      seen.addAll(page.runs().stream().map(RunInfo::runId).toList());
      while (page.next() != null) {
        page = engine.runs(query.after(page.next()));
        seen.addAll(page.runs().stream().map(RunInfo::runId).toList());
        pages++;
      }
      assertThat(pages).isEqualTo(3);
      assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
      assertThat(engine.runs(RunQuery.builder().label("batch", "a").build()).runs())
          .hasSize(3).allSatisfy(run -> assertThat(run.labels()).containsEntry("batch", "a"));
      assertThat(engine.runs(RunQuery.builder().status(RunStatus.FAILED).build()).runs())
          .extracting(RunInfo::runId).containsExactly(failed.id());
      RunInfo third = engine.handle(ids.get(2)).history().run();
      assertThat(engine.runs(RunQuery.builder().created(null, third.createdAt())
          .workflow("chain").build()).runs()).extracting(RunInfo::runId)
          .containsExactlyInAnyOrder(ids.get(0), ids.get(1));
    }
  }

  @Test
  void cancelRecordsTheReasonAndUnknownRunsAreNamed() throws Exception {
    Workflow workflow = JournalKit.chain("test.block", "test.count");
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, kit.registry())) {
      RunHandle run = engine.start(workflow, Inputs.of(input(workflow), 1));
      assertThat(kit.started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
      assertThat(run.cancel("the operator stopped it")).isTrue();
      assertThat(run.await(Duration.ofSeconds(10))).isEqualTo(RunStatus.CANCELLED);
      ErrorInfo error = run.history().run().error();
      assertThat(error.type()).isEqualTo(ErrorInfo.CANCELLED);
      assertThat(error.message()).isEqualTo("the operator stopped it");
      assertThat(run.cancel("again")).isFalse();
      assertThat(engine.capabilities().supports(Capability.RESUME)).isTrue();
      UUID unknown = UUID.randomUUID();
      assertThatThrownBy(() -> engine.handle(unknown)).isInstanceOf(RunNotFoundException.class)
          .hasMessageContaining("no run " + unknown + " in the journal " + journal.file());
    } finally {
      kit.release.countDown();
    }
  }
}
