package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.Bind;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.LogCapture;
import dev.fancy.fixtures.ManualTicker;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.fixtures.Poll;
import dev.fancy.frame.Checkpoints;
import dev.fancy.frame.ExecutionFrame;
import dev.fancy.internal.StepDefinition;
import dev.fancy.journal.JournalException;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunListener;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.value.TypeRef;
import dev.fancy.value.ValueCodecException;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/**
 * Step checkpoints ({@code frame.checkpoint} / {@code frame.lastCheckpoint}): kept across the
 * attempts of a run in memory, journaled by the durable engine (across a resume and a takeover,
 * fenced by the lease), never carried into a new run, refused from an attempt that is over.
 */
class CheckpointTest {

  private static final RetryPolicy THREE_QUICK =
      new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of());
  private static final TypeRef<List<Integer>> EPOCHS = new TypeRef<>() {};

  @TempDir
  Path temp;

  private final Cell<Integer> x = Cell.input("x", Integer.class);
  private final JournalKit kit = new JournalKit();
  private final List<RunEvent> checkpointed = Collections.synchronizedList(new ArrayList<>());
  private final RunListener recorder = event -> {
    if (event.type() == RunEvent.Type.CHECKPOINTED) {
      checkpointed.add(event);
    }
  };

  /**
   * {@code test.train}: "trains" epochs 1..x, checkpointing after each the list of epochs done;
   * an attempt starts after the latest checkpoint. It fails once after epoch {@code failAfter}
   * while {@code fail} is set. Returns how many epochs this attempt ran.
   */
  private static StepDefinition train(int failAfter, AtomicBoolean fail,
      List<List<Integer>> seenAtStart) {
    return Call.intStep("test.train", (frame, args) -> {
      List<Integer> done = new ArrayList<>(frame.lastCheckpoint(EPOCHS).orElse(List.of()));
      seenAtStart.add(List.copyOf(done));
      int ran = 0;
      for (int epoch = done.size() + 1; epoch <= (Integer) args[0]; epoch++) {
        done.add(epoch);
        frame.checkpoint(done);
        ran++;
        if (epoch == failAfter && fail.getAndSet(false)) {
          done.add(-1); // changing the list after checkpointing it changes no checkpoint
          throw new IllegalStateException("killed after epoch " + epoch);
        }
      }
      return new Object[] {ran};
    });
  }

  @Test
  void aRetriedAttemptResumesFromTheLatestCheckpoint() {
    List<List<Integer>> seen = Collections.synchronizedList(new ArrayList<>());
    StepRegistry registry = StepRegistry.empty().register(train(3, new AtomicBoolean(true), seen));
    Call<Integer> call = new Call<>("test.train", Call.unary(MathSteps.INT), x);
    call.options(StepOptions.DEFAULT.withRetry(THREE_QUICK));
    Workflow workflow = Workflow.of("w", call.out());

    try (Engine engine = Engine.builder().registry(registry).listener(recorder).build()) {
      RunResult result = engine.run(workflow, Inputs.of(x, 5));

      assertThat(result.get(call.out())).as("the second attempt ran epochs 4 and 5 only")
          .isEqualTo(2);
      assertThat(seen).containsExactly(List.of(), List.of(1, 2, 3));
      StepRecord record = result.step(call);
      assertThat(record.checkpoints()).isEqualTo(5);
      assertThat(checkpointed).extracting(RunEvent::attempt).containsExactly(1, 1, 1, 2, 2);
      assertThat(checkpointed).extracting(e -> e.chunk().get("checkpoint").asLong())
          .containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(checkpointed.get(0).chunk().get("bytes").asInt()).isEqualTo("[1]".length());
      assertThat(checkpointed).allSatisfy(e -> {
        assertThat(e.stepId()).isEqualTo(call.id());
        assertThat(e.status()).isEqualTo("RUNNING");
      });
    }
  }

  @Test
  void aNewRunStartsWithoutTheCheckpointsOfAnEarlierOne() {
    List<List<Integer>> seen = Collections.synchronizedList(new ArrayList<>());
    StepRegistry registry = StepRegistry.empty().register(train(0, new AtomicBoolean(), seen));
    Call<Integer> call = new Call<>("test.train", Call.unary(MathSteps.INT), x);
    Workflow workflow = Workflow.of("w", call.out());

    try (Engine engine = Engine.builder().registry(registry).build()) {
      assertThat(engine.run(workflow, Inputs.of(x, 3)).get(call.out())).isEqualTo(3);
      assertThat(engine.run(workflow, Inputs.of(x, 3)).get(call.out())).isEqualTo(3);
    }
    assertThat(seen).containsExactly(List.of(), List.of());
  }

  @Test
  void badCheckpointsAreRefusedSayingWhatIsWrong() {
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    StepRegistry registry = StepRegistry.empty().register(Call.intStep("test.bad",
        (frame, args) -> {
          frame.checkpoint(List.of(1, 2));
          for (Runnable bad : List.<Runnable>of(
              () -> frame.checkpoint(null),
              () -> frame.checkpoint("x".repeat(Checkpoints.MAX_BYTES)),
              () -> frame.lastCheckpoint(Integer.class))) {
            try {
              bad.run();
            } catch (RuntimeException e) {
              errors.add(e);
            }
          }
          return new Object[] {frame.lastCheckpoint(EPOCHS).orElseThrow().size()};
        }));
    Call<Integer> call = new Call<>("test.bad", Call.unary(MathSteps.INT), x);

    try (Engine engine = Engine.builder().registry(registry).build()) {
      RunResult result = engine.run(Workflow.of("w", call.out()), Inputs.of(x, 1));
      assertThat(result.get(call.out())).as("the refused ones changed nothing").isEqualTo(2);
      assertThat(result.step(call).checkpoints()).isEqualTo(1);
    }
    assertThat(errors).hasSize(3);
    assertThat(errors.get(0)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("step 'test.bad' recorded a null checkpoint");
    assertThat(errors.get(1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checkpoint of " + (Checkpoints.MAX_BYTES + 2) + " bytes")
        .hasMessageContaining("write large state to a file and checkpoint its path");
    assertThat(errors.get(2)).isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("checkpoint 1 of step 'test.bad' cannot be read as a "
            + "java.lang.Integer");
  }

  @Test
  void anAttemptThatTimedOutCannotOverwriteTheCheckpointOfANewerOne() {
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch wakeFirst = new CountDownLatch(1);
    AtomicReference<Throwable> late = new AtomicReference<>();
    CountDownLatch lateTried = new CountDownLatch(1);
    StepRegistry registry = StepRegistry.empty().register(Call.intStep("test.stubborn",
        (frame, args) -> {
          if (frame.attempt() == 1) {
            firstRunning.countDown();
            awaitIgnoringInterrupts(wakeFirst); // ignores its timeout's interrupt
            try {
              frame.checkpoint(List.of(99));
            } catch (RuntimeException e) {
              late.set(e);
            }
            lateTried.countDown();
            return new Object[] {0};
          }
          frame.checkpoint(List.of(2));
          return new Object[] {frame.lastCheckpoint(EPOCHS).orElseThrow().get(0)};
        }));
    Call<Integer> call = new Call<>("test.stubborn", Call.unary(MathSteps.INT), x);
    call.options(StepOptions.DEFAULT.withTimeout(Duration.ofSeconds(1)).withRetry(
        new RetryPolicy(2, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of())));
    ManualTicker ticker = new ManualTicker();

    try (LogCapture logs = LogCapture.of("dev.fancy.internal.core.Lingering");
        Engine engine = Engine.builder().registry(registry).ticker(ticker).build()) {
      RunHandle run = engine.start(Workflow.of("w", call.out()), Inputs.of(x, 1));
      await(firstRunning);
      ticker.advance(Duration.ofSeconds(1));
      RunResult result = run.result();
      assertThat(result.get(call.out())).isEqualTo(2);

      wakeFirst.countDown();
      await(lateTried);
      assertThat(late.get()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("attempt 1 of step 'test.stubborn' is over");
      assertThat(result.step(call).checkpoints()).isEqualTo(1);
      logs.awaitLogged(Level.WARN, "attempt 1 of step 'test.stubborn' ended",
          Duration.ofSeconds(10));
    }
  }

  @Test
  void aCheckpointIsAHeartbeatAndTheAttemptAfterAHungOneResumesFromIt() throws Exception {
    java.util.concurrent.BlockingQueue<String> orders =
        new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.BlockingQueue<String> reports =
        new java.util.concurrent.LinkedBlockingQueue<>();
    StepRegistry registry = StepRegistry.empty().register(Call.intStep("test.long",
        (frame, args) -> {
          int done = frame.lastCheckpoint(Integer.class).orElse(0);
          reports.add("started " + frame.attempt() + " after " + done);
          while (true) {
            String order = orders.poll(10, TimeUnit.SECONDS);
            if (order == null || order.equals("finish")) {
              return new Object[] {done};
            }
            if (order.equals("epoch")) {
              frame.checkpoint(++done);
              reports.add("checkpointed " + done);
            } else {
              reports.add("hanging");
              Thread.sleep(60_000); // until interrupted
            }
          }
        }));
    Call<Integer> call = new Call<>("test.long", Call.unary(MathSteps.INT), x);
    call.options(StepOptions.DEFAULT.withHeartbeatTimeout(Duration.ofSeconds(30))
        .withRetry(RetryPolicy.exponential(2, Duration.ZERO)));
    ManualTicker ticker = new ManualTicker();

    try (LogCapture logs = LogCapture.of("dev.fancy.internal.core.Lingering");
        Engine engine = Engine.builder().registry(registry).ticker(ticker).build()) {
      RunHandle run = engine.start(Workflow.of("w", call.out()), Inputs.of(x, 1));
      assertThat(reports.poll(10, TimeUnit.SECONDS)).isEqualTo("started 1 after 0");
      for (int epoch = 1; epoch <= 3; epoch++) { // never 30 s without a checkpoint
        ticker.advance(Duration.ofSeconds(29));
        orders.add("epoch");
        assertThat(reports.poll(10, TimeUnit.SECONDS)).isEqualTo("checkpointed " + epoch);
      }
      assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
      orders.add("hang");
      assertThat(reports.poll(10, TimeUnit.SECONDS)).isEqualTo("hanging");
      ticker.advance(Duration.ofSeconds(30)); // hung: timed out, retried
      assertThat(reports.poll(10, TimeUnit.SECONDS)).isEqualTo("started 2 after 3");
      orders.add("finish");
      assertThat(run.result().get(call.out())).isEqualTo(3);
      logs.awaitLogged(Level.WARN, "attempt 1 of step 'test.long' ended", Duration.ofSeconds(10));
    }
  }

  @Test
  void aFrameBuiltForATestKeepsItsCheckpointsInTheStoreItIsGiven() {
    Call<Integer> call = new Call<>("test.train", Call.unary(MathSteps.INT), x);
    Checkpoints store = Checkpoints.inMemory();
    ExecutionFrame first = ExecutionFrame.builder(call).checkpoints(store).build();
    ExecutionFrame second = ExecutionFrame.builder(call).attempt(2).checkpoints(store).build();

    assertThat(second.lastCheckpoint(Integer.class)).isEmpty();
    assertThat(first.checkpoint(7)).isEqualTo(1);
    assertThat(first.checkpoint(8)).isEqualTo(2);
    assertThat(second.lastCheckpoint(Integer.class)).contains(8);
    assertThat(second.lastCheckpoint(dev.fancy.value.ValueType.of(Long.class))).contains(8L);
    assertThat(ExecutionFrame.builder(call).build().lastCheckpoint(Integer.class))
        .as("a frame built without a store has its own").isEmpty();
    assertThatThrownBy(() -> first.checkpoint("x".repeat(Checkpoints.MAX_BYTES)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> first.checkpoint(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aResumedDurableRunContinuesFromItsJournaledCheckpoint() throws Exception {
    List<List<Integer>> seen = Collections.synchronizedList(new ArrayList<>());
    StepRegistry registry = StepRegistry.empty().register(train(3, new AtomicBoolean(true), seen));
    Call<Integer> call = new Call<>("test.train", Call.unary(MathSteps.INT), x);
    Workflow workflow = Workflow.of("w", call.out());

    UUID run;
    try (Journal journal = kit.open(temp.resolve("journal.db"));
        DurableEngine engine = DurableEngine.builder(journal).registry(registry).open()) {
      run = engine.start(workflow, Bind.inputs(workflow, Map.of("x", 5))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.FAILED);
      assertThat(engine.handle(run).history().steps().get(0).checkpoints()).isEqualTo(3);
    }
    try (Journal journal = kit.open(temp.resolve("journal.db"));
        DurableEngine engine = DurableEngine.builder(journal).registry(registry).open()) {
      RunHandle resumed = engine.resume(run);
      assertThat(resumed.result().get(call.out())).as("epochs 4 and 5").isEqualTo(2);
      assertThat(seen).containsExactly(List.of(), List.of(1, 2, 3));
      assertThat(resumed.history().steps().get(0).checkpoints()).isEqualTo(5);
      assertThat(resumed.events(1)).filteredOn(e -> e.type() == RunEvent.Type.CHECKPOINTED)
          .extracting(e -> e.chunk().get("checkpoint").asLong())
          .containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(latestRow(journal.file(), run)).isEqualTo("5 2 [1,2,3,4,5]");
    }
  }

  @Test
  void aProcessThatLostItsLeaseCannotOverwriteTheCheckpointOfTheProcessThatTookOver()
      throws Exception {
    CountDownLatch aCheckpointed = new CountDownLatch(1);
    CountDownLatch aRelease = new CountDownLatch(1);
    AtomicReference<Throwable> aLate = new AtomicReference<>();
    StepDefinition inA = Call.intStep("test.train", (frame, args) -> {
      frame.checkpoint(List.of(1));
      aCheckpointed.countDown();
      aRelease.await(30, TimeUnit.SECONDS);
      try {
        frame.checkpoint(List.of(1, 2, 3, 4)); // A's late progress
      } catch (RuntimeException e) {
        aLate.set(e);
        throw e;
      }
      return new Object[] {-1};
    });
    List<List<Integer>> seenInB = Collections.synchronizedList(new ArrayList<>());
    Workflow workflow = Workflow.of("w",
        new Call<Integer>("test.train", Call.unary(MathSteps.INT), x).out());
    Path file = temp.resolve("journal.db");

    try (LogCapture logs = LogCapture.of(DurableEngine.class);
        Journal journalA = kit.open(file);
        DurableEngine a = DurableEngine.builder(journalA)
            .registry(StepRegistry.empty().register(inA)).lease(Duration.ofSeconds(30))
            .takeoverInterval(Duration.ofHours(1)).open()) {
      UUID run = a.start(workflow, Bind.inputs(workflow, Map.of("x", 3))).id();
      await(aCheckpointed);
      a.pauseHeartbeat(true); // A stops, as a process paused by GC or a suspended VM
      kit.clock.advance(Duration.ofSeconds(31));

      try (Journal journalB = kit.open(file);
          DurableEngine b = DurableEngine.builder(journalB).registry(StepRegistry.empty()
              .register(train(0, new AtomicBoolean(), seenInB))).lease(Duration.ofSeconds(30))
              .takeoverInterval(Duration.ofHours(1)).open()) {
        assertThat(b.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(seenInB).as("B went on from A's checkpoint").containsExactly(List.of(1));
        assertThat(latestRow(file, run)).isEqualTo("3 2 [1,2,3]");

        aRelease.countDown(); // A wakes up and tries to checkpoint over B's progress
        Poll.until("A tried its late checkpoint", Duration.ofSeconds(10),
            () -> aLate.get() != null);
        assertThatThrownBy(() -> a.result(run))
            .isInstanceOfSatisfying(JournalException.class, e -> assertThat(e.reason())
                .isEqualTo(JournalException.Reason.LEASE_LOST));
        logs.awaitLogged(Level.WARN, "run " + run + " stopped in this process; it stays "
            + "resumable in the journal: this process (owner " + a.owner() + ", epoch 1) lost "
            + "the lease", Duration.ofSeconds(10));
        assertThat(latestRow(file, run)).as("B's checkpoint stands").isEqualTo("3 2 [1,2,3]");
        assertThat(b.handle(run).history().steps().get(0).checkpoints()).isEqualTo(3);
      }
    } finally {
      aRelease.countDown();
    }
  }

  @Test
  void aVersionThreeJournalGainsTheCheckpointsTable() throws Exception {
    Path file = temp.resolve("journal.db");
    Workflow workflow = JournalKit.chain("test.count");
    UUID run;
    try (Journal journal = kit.open(file);
        DurableEngine engine = DurableEngine.builder(journal).registry(kit.registry()).open()) {
      run = engine.start(workflow, Bind.inputs(workflow, Map.of("x", 1))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
    }
    // Version 3 is version 4 without the checkpoints table (version 5 changed only how events are
    // stored, which migrating again rebuilds).
    JournalKit.execute(file, "DROP TABLE checkpoints");
    JournalKit.execute(file, "PRAGMA user_version = 3");

    List<List<Integer>> seen = Collections.synchronizedList(new ArrayList<>());
    StepRegistry registry = kit.registry().register(train(0, new AtomicBoolean(), seen));
    try (Journal journal = kit.open(file);
        DurableEngine engine = DurableEngine.builder(journal).registry(registry).open()) {
      assertThat(journal.schemaVersion()).isEqualTo(5);
      assertThat(engine.handle(run).history().steps().get(0).checkpoints()).isZero();
      Workflow train = Workflow.of("t",
          new Call<Integer>("test.train", Call.unary(MathSteps.INT), x).out());
      UUID trained = engine.start(train, Bind.inputs(train, Map.of("x", 2))).id();
      assertThat(engine.await(trained, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(engine.handle(trained).history().steps().get(0).checkpoints()).isEqualTo(2);
    }
  }

  /** {@code "<number> <attempt> <value>"} of a run's one checkpoint row. */
  private static String latestRow(Path file, UUID run) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT number, attempt, value FROM checkpoints "
            + "WHERE run_id = '" + run + "'")) {
      assertThat(row.next()).isTrue();
      return row.getLong(1) + " " + row.getInt(2) + " " + row.getString(3);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        if (!latch.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never woken");
        }
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
