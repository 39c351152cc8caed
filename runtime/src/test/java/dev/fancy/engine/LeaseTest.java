package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.Bind;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.LogCapture;
import dev.fancy.fixtures.ManualTicker;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.fixtures.Poll;
import dev.fancy.internal.StepDefinition;
import dev.fancy.internal.journal.AttemptInfo;
import dev.fancy.internal.journal.JournalRun;
import dev.fancy.internal.journal.StepInfo;
import dev.fancy.journal.JournalEffects;
import dev.fancy.journal.JournalException;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.RunStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/**
 * Leases between processes: each engine here has its own journal connection and owner, as a
 * separate process would. Lease expiry is driven by a manual clock, never by waiting.
 */
class LeaseTest {

  @TempDir
  Path temp;

  private final JournalKit kit = new JournalKit();

  @RegisterExtension
  final LogCapture logs = LogCapture.eachTest(DurableEngine.class);

  private Path file() {
    return temp.resolve("journal.db");
  }

  /** A step that stages an effect and then waits for {@code release} when it is given one. */
  private static StepRegistry withSlow(StepRegistry registry, CountDownLatch started,
      CountDownLatch release) {
    return registry.register(Call.intStep("test.slow", (frame, args) -> {
      frame.resources().get(JournalEffects.class).stage(frame.idempotencyKey(),
          "INSERT INTO effects (step_key) VALUES (?)", "slow:" + frame.idempotencyKey());
      started.countDown();
      if (release != null && !release.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
      return new Object[] {(Integer) args[0] + 100};
    }));
  }

  private DurableEngine open(Journal journal, StepRegistry registry) {
    return DurableEngine.builder(journal).registry(registry).lease(Duration.ofSeconds(30))
        .takeoverInterval(Duration.ofHours(1)).open();
  }

  @Test
  void aProcessPausedPastItsLeaseCannotCommitAndEffectsHappenExactlyOnce() throws Exception {
    CountDownLatch aStarted = new CountDownLatch(1);
    CountDownLatch aRelease = new CountDownLatch(1);
    try (Journal journalA = kit.open(file());
        DurableEngine a = open(journalA, withSlow(kit.registry(), aStarted, aRelease))) {
      UUID run = a.start(JournalKit.chain("test.count", "test.slow", "test.count"), Bind.inputs(JournalKit.chain("test.count", "test.slow", "test.count"), Map.of("x", 1))).id();
      assertThat(aStarted.await(10, TimeUnit.SECONDS)).isTrue();
      a.pauseHeartbeat(true); // A stops, as a process paused by GC or a suspended VM
      kit.clock.advance(Duration.ofSeconds(31));

      try (Journal journalB = kit.open(file());
          DurableEngine b = open(journalB, withSlow(kit.registry(), new CountDownLatch(1),
              null))) {
        assertThat(b.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(b.result(run).workflow().outputs()).hasSize(1);
        assertThat(journalB.run(run).orElseThrow().epoch()).isEqualTo(2);
        assertThat(journalB.attempts(run)).extracting(AttemptInfo::status).as("A's attempt of "
            + "the slow step was closed when B took the run over")
            .containsExactly(AttemptStatus.SUCCEEDED, AttemptStatus.ABANDONED,
                AttemptStatus.SUCCEEDED, AttemptStatus.SUCCEEDED);

        aRelease.countDown(); // A wakes up and tries to commit its late result
        logs.expect(Level.WARN, "run " + run + " stopped in this process; it stays resumable "
            + "in the journal: this process (owner " + a.owner() + ", epoch 1) lost the lease");
        assertThatThrownBy(() -> a.result(run))
            .isInstanceOfSatisfying(JournalException.class, e -> assertThat(e.reason())
            .isEqualTo(JournalException.Reason.LEASE_LOST))
            .hasMessageContaining("lost the lease of run " + run)
            .hasMessageContaining("its late write is refused");
        assertThat(a.await(run, null)).as("await follows the run to where it went on")
            .isEqualTo(RunStatus.SUCCEEDED);

        assertThat(JournalKit.count(journalB.file(),
            "SELECT COUNT(*) FROM effects WHERE step_key LIKE 'slow:%'"))
            .as("the slow step's effect committed once, by B").isEqualTo(1);
        assertThat(JournalKit.count(journalB.file(), "SELECT COUNT(*) FROM effects"))
            .isEqualTo(3);
        assertThat(journalB.run(run).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(journalA.openEffectAttempts()).as("A's dropped effects are gone")
            .isZero();
      }
    }
  }

  @Test
  void aRunLeasedByALiveProcessIsNotTakenOverButAnAbandonedOneIs() throws Exception {
    Journal journalA = kit.open(file());
    DurableEngine a = open(journalA, kit.registry());
    UUID run = a.start(JournalKit.chain("test.count", "test.block", "test.count"), Bind.inputs(JournalKit.chain("test.count", "test.block", "test.count"), Map.of("x", 1))).id();
    assertThat(kit.started.await(10, TimeUnit.SECONDS)).isTrue();
    try (Journal journalB = kit.open(file());
        DurableEngine b = open(journalB, kit.registry())) {
      assertThat(b.recover()).isZero();
      assertThat(journalB.run(run).orElseThrow().owner()).as("A's lease is alive")
          .isEqualTo(a.owner());

      a.close(); // A dies: its heartbeat stops
      kit.clock.advance(Duration.ofSeconds(31));
      try (DurableEngine c = open(journalB, withBlockV1(kit.registry()))) {
        assertThat(c.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(journalB.steps(run)).filteredOn(s -> s.slug().equals("test.count"))
            .extracting(StepInfo::attempts).containsExactly(1, 1);
      }
    } finally {
      kit.release.countDown(); // dead A's step ends: its write is refused
      logs.expect(Level.WARN, "run " + run + " stopped in this process");
      journalA.close();
    }
  }

  /** What the non-blocking {@code test.block} saw: its attempt number and idempotency key. */
  private static final List<String> SEEN = java.util.Collections.synchronizedList(
      new java.util.ArrayList<>());

  /** {@code test.block@1} that does not block, next to whatever else {@code registry} has. */
  private static StepRegistry withBlockV1(StepRegistry registry) {
    StepRegistry fresh = StepRegistry.empty();
    for (StepDefinition definition : registry.definitions()) {
      if (!definition.slug().startsWith("fancy.") && !definition.key().equals("test.block@1")) {
        fresh.register(definition);
      }
    }
    return fresh.register(Call.intStep("test.block", (frame, args) -> {
      SEEN.add(frame.attempt() + " " + frame.idempotencyKey());
      return new Object[] {args[0]};
    }));
  }

  @Test
  void runsOfADeadProcessAreTakenOverWithinALeaseAndOneScan() throws Exception {
    Duration lease = Duration.ofSeconds(30);
    Duration scan = Duration.ofSeconds(10);
    ManualTicker tickerB = new ManualTicker();
    SEEN.clear();
    try (Journal journalA = kit.open(file()); Journal journalB = kit.open(file())) {
      DurableEngine b = DurableEngine.builder(journalB).registry(withBlockV1(kit.registry()))
          .lease(lease).takeoverInterval(scan).ticker(tickerB).open();
      DurableEngine a = DurableEngine.builder(journalA).registry(kit.registry()).lease(lease)
          .ticker(new ManualTicker()).open();
      UUID run = a.start(JournalKit.chain("test.count", "test.block"),
          Bind.inputs(JournalKit.chain("test.count", "test.block"), Map.of("x", 1))).id();
      assertThat(kit.started.await(10, TimeUnit.SECONDS)).isTrue();
      java.time.Instant leaseUntil = journalB.run(run).orElseThrow().leaseUntil();
      java.time.Instant died = kit.clock.instant();
      a.close(); // no heartbeat any more; B notices by itself, without recover()

      java.time.Instant takenAt = null;
      for (int step = 0; step < 10 && takenAt == null; step++) {
        kit.clock.advance(scan);
        tickerB.advance(scan);
        if (journalB.run(run).orElseThrow().epoch() == 2) {
          takenAt = kit.clock.instant();
        }
      }
      assertThat(takenAt).as("B took the run over").isNotNull();
      assertThat(takenAt).as("not before the lease ran out").isAfter(leaseUntil);
      assertThat(Duration.between(died, takenAt)).as("within a lease and one scan")
          .isLessThanOrEqualTo(lease.plus(scan));
      Poll.until("B finishes the run", Duration.ofSeconds(20),
          () -> journalB.run(run).orElseThrow().status() == RunStatus.SUCCEEDED);
      assertThat(journalB.attempts(run)).extracting(AttemptInfo::status)
          .containsExactly(AttemptStatus.SUCCEEDED, AttemptStatus.ABANDONED,
              AttemptStatus.SUCCEEDED);
      assertThat(SEEN).as("the frame's attempt number is the journal's, as in its key")
          .singleElement().asString().startsWith("2 ").endsWith(":2");
      b.close();
      logs.expect(Level.WARN, "run " + run + " stopped in this process"); // dead A's step
    } finally {
      kit.release.countDown();
    }
  }

  @Test
  void aRemovedStepVersionFailsTheResumedRunInsteadOfMixingVersions() throws Exception {
    try (Journal journal = kit.open(file())) {
      DurableEngine a = open(journal, kit.registry());
      UUID run = a.start(JournalKit.chain("test.block"), Bind.inputs(JournalKit.chain("test.block"), Map.of("x", 1))).id();
      assertThat(kit.started.await(10, TimeUnit.SECONDS)).isTrue();
      a.close();
      kit.clock.advance(Duration.ofSeconds(31));
      StepRegistry v2 = StepRegistry.empty().register(new StepDefinition("test.block", 2, "",
          Call.unary(MathSteps.INT), (frame, args) -> new Object[] {args[0]}));
      try (DurableEngine b = open(journal, v2)) {
        JournalRun info = journal.run(run).orElseThrow();
        assertThat(info.status()).isEqualTo(RunStatus.FAILED);
        assertThat(info.error()).contains("cannot resume", "test.block@1",
            "registered versions are [2]");
        logs.assertLogged(Level.ERROR, "run " + run + " cannot be resumed and is failed");
        logs.expect(Level.WARN, "run " + run + " stopped in this process"); // dead A's step
      } finally {
        kit.release.countDown();
      }
    }
  }

  @Test
  void resumingARunAnotherLiveProcessHoldsIsRefused() throws Exception {
    try (Journal journalA = kit.open(file());
        DurableEngine a = open(journalA, kit.registry());
        Journal journalB = kit.open(file());
        DurableEngine b = open(journalB, kit.registry())) {
      UUID run = a.start(JournalKit.chain("test.block"), Bind.inputs(JournalKit.chain("test.block"), Map.of("x", 1))).id();
      assertThat(kit.started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> b.resume(run))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is leased by another process (" + a.owner() + ")");
      assertThatThrownBy(() -> a.resume(run))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("running in this process");
      assertThatThrownBy(() -> b.resume(UUID.randomUUID()))
          .isInstanceOf(dev.fancy.run.RunNotFoundException.class).hasMessageContaining("no run");
      kit.release.countDown();
      assertThat(b.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
    }
  }
}
