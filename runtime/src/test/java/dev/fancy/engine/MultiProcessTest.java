package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.run.RunStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three JVMs share one journal file: each submits its own runs, and they are killed one at a
 * time at moments chosen from progress, then restarted. Every run of every process must succeed,
 * with exactly one committed effect per step: the processes split the work, take over each
 * other's runs, and none fails because the others exist.
 */
class MultiProcessTest {

  static final int WORKERS = 3;
  static final int RUNS_EACH = 8;
  static final int STEPS = 20;
  static final int STEP_MILLIS = 20;
  static final int LEASE_MILLIS = 500;
  static final int KILLS = 6;

  @TempDir
  Path temp;

  private Process start(Path file, Path log, int worker) throws Exception {
    return ChildJvm.start(log, file, "worker" + worker, RUNS_EACH, STEPS, STEP_MILLIS,
        LEASE_MILLIS, WORKERS * RUNS_EACH);
  }

  @Test
  void threeProcessesOnOneJournalFinishEveryRunWithEveryEffectOnce() throws Exception {
    Path file = temp.resolve("shared.db");
    Path log = temp.resolve("workers.log");
    try (Journal journal = Journal.open(file)) {
      JournalKit.execute(journal.file(), "CREATE TABLE side_effects (run_id TEXT, step_id TEXT, "
          + "idempotency_key TEXT)");
    }
    List<Process> workers = new ArrayList<>();
    try {
      runWorkers(file, log, workers);
    } finally {
      for (Process worker : workers) {
        worker.destroyForcibly().waitFor();
      }
    }
    long total = (long) WORKERS * RUNS_EACH * STEPS;
    try (Journal journal = Journal.open(file)) {
      assertThat(journal.runs()).hasSize(WORKERS * RUNS_EACH)
          .allSatisfy(run -> assertThat(run.status()).as("run %s", run.runId())
              .isEqualTo(RunStatus.SUCCEEDED));
      assertThat(JournalKit.count(file, "SELECT COUNT(*) FROM side_effects")).isEqualTo(total);
      assertThat(JournalKit.count(file, "SELECT COUNT(DISTINCT run_id || step_id) FROM "
          + "side_effects")).isEqualTo(total);
      assertThat(JournalKit.count(file, "SELECT COUNT(*) FROM attempts WHERE status = "
          + "'RUNNING'")).isZero();
      assertThat(JournalKit.count(file, "SELECT COUNT(*) FROM runs WHERE epoch > 1"))
          .as("runs taken over from killed processes").isPositive();
    }
  }

  private void runWorkers(Path file, Path log, List<Process> workers) throws Exception {
    for (int i = 0; i < WORKERS; i++) {
      workers.add(start(file, log, i));
    }
    Random random = new Random();
    long total = (long) WORKERS * RUNS_EACH * STEPS;
    for (int kill = 0; kill < KILLS; kill++) {
      // spread over the first half of the work, while every worker still has runs in flight
      long target = total * (kill + 1) / (2 * KILLS) + random.nextInt((int) (total / 40));
      while (ChildJvm.committedSteps(file) < target && workers.stream().allMatch(Process::isAlive)) {
        LockSupport.parkNanos(2_000_000);
      }
      int victim = random.nextInt(WORKERS);
      Process process = workers.get(victim);
      if (process.isAlive()) {
        process.destroyForcibly().waitFor();
      }
      workers.set(victim, start(file, log, victim)); // it resubmits its runs idempotently
    }
    for (Process worker : workers) {
      assertThat(worker.waitFor(180, TimeUnit.SECONDS)).as("every worker finishes").isTrue();
      assertThat(worker.exitValue()).as("workers wrote:%n%s", ChildJvm.tail(log)).isZero();
    }
  }
}
