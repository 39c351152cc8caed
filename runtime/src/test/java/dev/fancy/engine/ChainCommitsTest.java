package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.Bind;
import dev.fancy.internal.journal.AttemptInfo;
import dev.fancy.journal.JournalStatistics;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Workflow;
import org.assertj.core.groups.Tuple;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable chain commits once per step: the transaction that commits a step's result also
 * allocates the first attempt of the step that runs next (docs/durability.md, "Commit ordering
 * of an attempt"), instead of a transaction of its own before that step's code runs.
 */
class ChainCommitsTest {

  @TempDir
  Path dir;

  private final JournalKit kit = new JournalKit();

  @Test
  void eachStepOfAChainCostsOneTransaction() {
    int steps = 12;
    Workflow workflow = JournalKit.chain(Collections.nCopies(steps, "test.fragile")
        .toArray(String[]::new));
    try (Journal journal = kit.open(dir.resolve("journal.db"));
        DurableEngine engine = DurableEngine.open(journal, kit.registry())) {
      JournalStatistics before = journal.statistics();
      UUID run = engine.start(workflow, Bind.inputs(workflow, Map.of("x", 1))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      JournalStatistics after = journal.statistics();

      // The run's creation, the first step's allocation, one per step, the run's end, and at
      // most two more for events and a lease renewal; two per step before.
      assertThat(after.transactions() - before.transactions()).isLessThanOrEqualTo(steps + 5);
      assertThat(kit.executions).hasValue(steps);
      // Every step ran once, as its attempt 1, allocated before its code ran and committed.
      assertThat(journal.attempts(run)).hasSize(steps).allSatisfy(attempt -> {
        assertThat(attempt.attempt()).isEqualTo(1);
        assertThat(attempt.status()).isEqualTo(AttemptStatus.SUCCEEDED);
        assertThat(attempt.startedAt()).isBeforeOrEqualTo(attempt.endedAt());
      });
      assertThat(journal.attempts(run)).extracting(AttemptInfo::idempotencyKey)
          .allSatisfy(key -> assertThat(key).startsWith(run + ":").endsWith(":1"));
    }
  }

  @Test
  void aStepWhoseAttemptThePreviousCommitAllocatedFailsAndResumesAsItsNextAttempt() {
    // The first step's commit allocated the second step's attempt 1, which fails; a resume
    // allocates attempt 2 and never runs the first step again.
    Workflow workflow = JournalKit.chain("test.count", "test.fragile");
    try (Journal journal = kit.open(dir.resolve("journal.db"));
        DurableEngine engine = DurableEngine.open(journal, kit.registry())) {
      kit.broken.set(true);
      UUID run = engine.start(workflow, Bind.inputs(workflow, Map.of("x", 1))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.FAILED);
      kit.broken.set(false);
      engine.resume(run);
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(engine.result(run).get(workflow.outputs().get(0))).isEqualTo(20);
      // The counting step committed once and never ran again.
      assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM effects")).isEqualTo(1);
      assertThat(journal.attempts(run)).extracting(AttemptInfo::attempt, AttemptInfo::status)
          .containsExactly(
              Tuple.tuple(1, AttemptStatus.SUCCEEDED),
              Tuple.tuple(1, AttemptStatus.FAILED),
              Tuple.tuple(2, AttemptStatus.SUCCEEDED));
    }
  }
}
