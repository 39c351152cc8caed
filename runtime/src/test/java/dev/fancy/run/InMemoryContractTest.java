package dev.fancy.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fancy.engine.Engine;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine contract as {@link Engine#inMemory()} implements it. */
class InMemoryContractTest {

  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module())
      .register(Call.intStep("test.block", (frame, args) -> {
        started.countDown();
        if (!release.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
        return new Object[] {args[0]};
      }));
  private final Engine engine = Engine.builder().registry(registry).build();
  private final Cell<Integer> x = Cell.input("x", Integer.class);

  @AfterEach
  void close() {
    release.countDown();
    engine.close();
  }

  private Workflow sum() {
    return Workflow.of("sum", MathSteps.add(MathSteps.add(x, 1).out(), 2).out());
  }

  @Test
  void aHandleGivesStatusHistoryAndNumberedEventsWithoutGaps() {
    Workflow workflow = sum();
    RunHandle run = engine.start(workflow, Inputs.of(x, 4),
        RunOptions.builder().label("team", "math").build());
    RunResult result = run.result();

    assertThat(result.get(workflow.outputs().get(0))).isEqualTo(Integer.valueOf(7));
    assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(run.await(Duration.ZERO)).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(result.info().labels()).containsEntry("team", "math");
    List<RunEvent> events = run.events(1);
    assertThat(events).extracting(RunEvent::sequence)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(events).extracting(RunEvent::type).containsExactly(RunEvent.Type.RUN_STARTED,
        RunEvent.Type.ATTEMPT_STARTED, RunEvent.Type.STEP_SUCCEEDED,
        RunEvent.Type.ATTEMPT_STARTED, RunEvent.Type.STEP_SUCCEEDED,
        RunEvent.Type.RUN_FINISHED);
    assertThat(events.get(5).status()).isEqualTo("SUCCEEDED");
    assertThat(run.events(5)).extracting(RunEvent::sequence).containsExactly(5L, 6L);
    assertThat(run.history().steps()).extracting(StepRecord::status)
        .containsExactly(StepStatus.SUCCEEDED, StepStatus.SUCCEEDED);
    assertThat(engine.handle(run.id()).history().run().status()).isEqualTo(RunStatus.SUCCEEDED);
  }

  @Test
  void everyAttemptHasItsNumberedEventsAndTheStepsEndNamesItsLastAttempt() {
    StepRegistry flaky = StepRegistry.empty().register(Call.intStep("test.flaky",
        (frame, args) -> {
          if (frame.attempt() == 1) {
            throw new java.io.IOException("first try fails");
          }
          return new Object[] {args[0]};
        }));
    Call<Integer> call = new Call<>("test.flaky", Call.unary(MathSteps.INT), x);
    call.options(dev.fancy.workflow.StepOptions.DEFAULT.withRetry(new dev.fancy.workflow
        .RetryPolicy(2, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of())));
    try (Engine retrying = Engine.builder().registry(flaky).build()) {
      RunHandle run = retrying.start(Workflow.of("flaky", call.out()), Inputs.of(x, 1));
      assertThat(run.result().status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(run.events(1)).filteredOn(e -> e.stepId() != null)
          .extracting(e -> e.type() + " " + e.attempt()).containsExactly(
              "ATTEMPT_STARTED 1", "ATTEMPT_FAILED 1", "RETRY_SCHEDULED 2", "ATTEMPT_STARTED 2",
              "STEP_SUCCEEDED 2");
    }
  }

  @Test
  void aSubscriberThatReconnectsFromNMissesNothingAndSeesNoRepeats() throws Exception {
    Cell<Integer> blocked = new Call<Integer>("test.block", Call.unary(MathSteps.INT), x).out();
    Workflow workflow = Workflow.of("blocked", MathSteps.add(blocked, 1).out());
    RunHandle run = engine.start(workflow, Inputs.of(x, 1));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    List<RunEvent> first = Collections.synchronizedList(new ArrayList<>());
    EventSubscription subscription = run.subscribe(1, first::add);
    dev.fancy.fixtures.Poll.until("the first two events", Duration.ofSeconds(10),
        () -> first.size() >= 2);
    subscription.close();
    assertThat(subscription.isActive()).isFalse();
    long seen = first.get(first.size() - 1).sequence();

    List<RunEvent> second = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch finished = new CountDownLatch(1);
    run.subscribe(seen + 1, event -> {
      second.add(event);
      if (event.isFinal()) {
        finished.countDown();
      }
    });
    release.countDown();
    assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();

    List<Long> all = new ArrayList<>();
    first.forEach(e -> all.add(e.sequence()));
    second.forEach(e -> all.add(e.sequence()));
    assertThat(all).isEqualTo(run.events(1).stream().map(RunEvent::sequence).toList());
    assertThat(all).doesNotHaveDuplicates().startsWith(1L);
  }

  @Test
  void cancelStopsARunningRunWithTheReasonAsItsError() throws Exception {
    Cell<Integer> blocked = new Call<Integer>("test.block", Call.unary(MathSteps.INT), x).out();
    Workflow workflow = Workflow.of("blocked", MathSteps.add(blocked, 1).out());
    RunHandle run = engine.start(workflow, Inputs.of(x, 1));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(run.history().steps()).extracting(StepRecord::status)
        .containsExactly(StepStatus.RUNNING, StepStatus.PENDING);

    assertThat(run.cancel("operator asked")).isTrue();

    assertThat(run.await(Duration.ofSeconds(10))).isEqualTo(RunStatus.CANCELLED);
    assertThat(run.result().info().error().type()).isEqualTo(ErrorInfo.CANCELLED);
    assertThat(run.result().info().error().message()).isEqualTo("operator asked");
    assertThat(run.events(1)).extracting(RunEvent::type).contains(RunEvent.Type.STEP_CANCELLED,
        RunEvent.Type.STEP_SKIPPED);
    assertThat(run.cancel("again")).isFalse();
  }

  @Test
  void runsArePagedNewestFirstAndFilteredByStatusWorkflowAndLabel() {
    Workflow workflow = sum();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(engine.start(workflow, Inputs.of(x, i), RunOptions.builder()
          .label("parity", i % 2 == 0 ? "even" : "odd").build()).id());
    }
    ids.forEach(id -> engine.handle(id).await());
    Workflow failing = Workflow.of("failing", MathSteps.fail(x).out());
    UUID failed = engine.start(failing, Inputs.of(x, 1)).id();
    engine.handle(failed).await();

    List<UUID> paged = new ArrayList<>();
    RunQuery query = RunQuery.builder().workflow("sum").limit(2).build();
    RunPage page = engine.runs(query);
    paged.addAll(page.runs().stream().map(RunInfo::runId).toList());
    while (page.next() != null) {
      page = engine.runs(query.after(page.next()));
      paged.addAll(page.runs().stream().map(RunInfo::runId).toList());
    }
    assertThat(paged).containsExactlyInAnyOrderElementsOf(ids).doesNotHaveDuplicates();
    assertThat(engine.runs(RunQuery.builder().label("parity", "even").build()).runs())
        .hasSize(3).allSatisfy(run -> assertThat(run.labels()).containsEntry("parity", "even"));
    assertThat(engine.runs(RunQuery.builder().status(RunStatus.FAILED).build()).runs())
        .extracting(RunInfo::runId).containsExactly(failed);
    assertThat(engine.runs(RunQuery.ALL).runs().get(0).runId()).isEqualTo(failed);
  }

  @Test
  void inputsFromJsonAreTypedAndEveryProblemIsNamed() throws Exception {
    Workflow workflow = sum();
    ObjectMapper json = new ObjectMapper();
    Inputs inputs = engine.inputsFromJson(workflow, json.readTree("{\"x\": 40}"));
    assertThat(inputs.get(x)).isEqualTo(40);
    assertThat(engine.run(workflow, inputs).get(workflow.outputs().get(0))).isEqualTo(43);

    assertThatThrownBy(() -> engine.inputsFromJson(workflow,
        json.readTree("{\"x\": \"forty\", \"y\": 1}")))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("workflow input 'x' must be a java.lang.Integer but is string "
            + "\"forty\"")
        .hasMessageContaining("'y' is not an input of workflow 'sum'; its inputs are [x]");
    assertThatThrownBy(() -> engine.inputsFromJson(workflow, json.readTree("[1]")))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("inputs must be a JSON object of input name to value, not array");
  }

  @Test
  void unknownRunsResumeAndBadOptionsGiveClearErrors() {
    UUID unknown = UUID.randomUUID();
    assertThatThrownBy(() -> engine.handle(unknown)).isInstanceOf(RunNotFoundException.class)
        .hasMessageContaining("no run " + unknown);
    assertThat(engine.capabilities().supports(Capability.RESUME)).isFalse();
    assertThat(engine.capabilities().supports(Capability.CANCEL)).isTrue();
    assertThatThrownBy(() -> engine.resume(unknown))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("use a DurableEngine");
    assertThatThrownBy(() -> RunOptions.builder().label("bad key!", "v").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label key 'bad key!' must be 1 to 64 letters");
    assertThatThrownBy(() -> RunQuery.builder().limit(501).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside 1..500");
    assertThatThrownBy(() -> engine.runs(RunQuery.builder().cursor("nonsense").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pass RunPage.next() unchanged");
    Workflow workflow = sum();
    UUID id = engine.start(workflow, Inputs.of(x, 1)).id();
    assertThatThrownBy(() -> engine.start(workflow, Inputs.of(x, 1),
        RunOptions.builder().runId(id).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists already");
  }

  @Test
  void everyExceptionFancyThrowsOnPurposeIsAFancyException() {
    assertThat(dev.fancy.FancyException.class).isAssignableFrom(WorkflowValidationException.class)
        .isAssignableFrom(RunFailedException.class)
        .isAssignableFrom(UsageLimitExceededException.class)
        .isAssignableFrom(StepFailedException.class)
        .isAssignableFrom(RunNotFoundException.class)
        .isAssignableFrom(dev.fancy.journal.JournalException.class);
    Workflow failing = Workflow.of("failing", MathSteps.fail(x).out());
    RunResult result = engine.run(failing, Inputs.of(x, 3));
    assertThat(result.history().get(0).error())
        .isEqualTo(result.history().get(0).attempts().get(0).error());
    assertThat(result.info().error().type()).isEqualTo(IllegalStateException.class.getName());
    assertThat(result.info().error().message()).isEqualTo("boom at 3");
    assertThatThrownBy(result::requireSucceeded).isInstanceOf(RunFailedException.class)
        .hasMessageContaining("failed at step 'math.fail': java.lang.IllegalStateException: "
            + "boom at 3");
  }
}
