package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.Bind;
import dev.fancy.internal.journal.JournalRun;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM running durable workflows with SIGKILL again and again, then lets a last
 * child finish, and checks the promise: every run finished, every step's body committed its
 * effect exactly once, and the outputs equal an in-memory run's.
 *
 * <p>Kill moments come from progress, not wall time: the test reads how many steps have committed
 * and kills the child when a random number more have (sometimes none: a kill during startup or
 * recovery). If the work ends before every kill is done, more runs are submitted, so the test
 * holds on a machine of any speed. {@code -Dfancy.torture.kills=N} sets the number of kills
 * (default 20).
 */
@Tag("torture")
class TortureTest {

  static final int RUNS = 16;
  static final int STEPS = 50;
  static final int STEP_MILLIS = 30;
  static final int LEASE_MILLIS = 300;

  @TempDir
  Path temp;

  @Test
  void sigkillAtRandomMomentsLosesNothingAndRepeatsNothing() throws Exception {
    int kills = Integer.getInteger("fancy.torture.kills", 20);
    Path file = temp.resolve("torture.db");
    Path log = temp.resolve("children.log");
    try (Journal journal = Journal.open(file)) {
      JournalKit.execute(journal.file(), "CREATE TABLE side_effects (run_id TEXT, step_id TEXT, "
          + "idempotency_key TEXT)");
    }
    Random random = new Random();
    int runs = RUNS;
    // on average a kill every `mean` committed steps, using about 60% of the work
    int mean = Math.max(1, RUNS * STEPS * 6 / 10 / kills);
    long start = System.nanoTime();
    int killed = 0;
    while (killed < kills) {
      long committed = ChildJvm.committedSteps(file);
      long target = committed + (random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(2 * mean));
      Process child = ChildJvm.start(log, file, "torture", runs, STEPS, STEP_MILLIS,
          LEASE_MILLIS, runs);
      boolean exited;
      try {
        while (child.isAlive() && ChildJvm.committedSteps(file) < target) {
          LockSupport.parkNanos(2_000_000);
        }
        exited = !child.isAlive();
      } finally {
        child.destroyForcibly().waitFor(); // SIGKILL on Linux; nothing if it has exited
      }
      if (!exited) {
        killed++;
        continue;
      }
      assertThat(child.exitValue()).as("a child that was not killed exits 0; it wrote:%n%s",
          ChildJvm.tail(log)).isZero();
      runs += RUNS; // the work ran out before the kills did: give the next child more
    }
    Process last = ChildJvm.start(log, file, "torture", runs, STEPS, STEP_MILLIS, LEASE_MILLIS,
        runs);
    try {
      assertThat(last.waitFor(300, TimeUnit.SECONDS)).as("the last child finishes").isTrue();
    } finally {
      last.destroyForcibly().waitFor();
    }
    assertThat(last.exitValue()).as("the last child wrote:%n%s", ChildJvm.tail(log)).isZero();
    System.out.printf("torture: %d kills, %d runs of %d steps, %.1f s%n", killed, runs, STEPS,
        (System.nanoTime() - start) / 1e9);

    try (Journal journal = Journal.open(file);
        Engine engine = Engine.builder().registry(JournalWorker.registry(0, false)).build()) {
      List<JournalRun> all = journal.runs();
      assertThat(all).hasSize(runs).allSatisfy(run -> assertThat(run.status())
          .as("run %s", run.runId()).isEqualTo(RunStatus.SUCCEEDED));
      assertThat(JournalKit.count(file, "SELECT COUNT(*) FROM side_effects"))
          .as("effects committed").isEqualTo((long) runs * STEPS);
      assertThat(JournalKit.count(file, "SELECT COUNT(DISTINCT run_id || step_id) FROM "
          + "side_effects")).as("distinct steps with effects").isEqualTo((long) runs * STEPS);
      assertThat(JournalKit.count(file, "SELECT COUNT(*) FROM attempts WHERE status = "
          + "'RUNNING'")).as("no attempt is left running").isZero();
      if (kills >= 5) {
        assertThat(JournalKit.count(file, "SELECT COUNT(*) FROM attempts WHERE status = "
            + "'ABANDONED'")).as("attempts interrupted by kills").isPositive();
      }
      Workflow workflow = JournalWorker.workflow(STEPS);
      for (JournalRun run : all) {
        int x = journal.runInputs(run.runId()).get("x").asInt();
        Object inMemory = engine.run(workflow, Bind.inputs(workflow, Map.of("x", x))).get(workflow.outputs().get(0));
        Workflow stored = journal.loadWorkflow(run.workflowHash());
        UUID lastStep = stored.outputs().get(0).producer().id();
        assertThat(journal.committedOutputs(run.runId())).hasSize(STEPS);
        assertThat(journal.committedOutputs(run.runId()).get(lastStep).get(0).asInt())
            .isEqualTo(inMemory);
      }
    }
  }
}
