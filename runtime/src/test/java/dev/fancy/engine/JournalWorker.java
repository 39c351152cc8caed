package dev.fancy.engine;

import dev.fancy.fixtures.Bind;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.journal.Durability;
import dev.fancy.journal.JournalEffects;
import dev.fancy.journal.JournalOptions;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A child process of the multi-process tests: opens the journal, submits its runs (idempotently,
 * under IDs derived from its name, so a restarted worker does not submit twice), takes over runs
 * of dead workers, and exits 0 once the journal holds {@code total} finished runs. Each step's
 * body records its execution in {@code side_effects} through the journal's transactional effects.
 *
 * <p>Arguments: journal file, worker name, runs to submit, steps per run, milliseconds per step,
 * lease in milliseconds, total runs of all workers.
 */
public final class JournalWorker {
  private JournalWorker() {}

  /** The workers' step; {@code journaled} false for an in-memory engine (no effects). */
  static StepRegistry registry(int stepMillis, boolean journaled) {
    return StepRegistry.empty().register(Call.intStep("torture.inc", (frame, args) -> {
      if (journaled) {
        frame.resources().get(JournalEffects.class).stage(frame.idempotencyKey(),
            "INSERT INTO side_effects (run_id, step_id, idempotency_key) VALUES (?, ?, ?)",
            frame.runId().toString(), frame.step().id().toString(), frame.idempotencyKey());
      }
      // the step's work
      LockSupport.parkNanos((stepMillis / 2 + ThreadLocalRandom.current().nextInt(stepMillis + 1))
          * 1_000_000L);
      return new Object[] {(Integer) args[0] + 1};
    }));
  }

  static Workflow workflow(int steps) {
    Cell<Integer> cell = Cell.input("x", Integer.class);
    for (int i = 0; i < steps; i++) {
      cell = new Call<Integer>("torture.inc", Call.unary(MathSteps.INT), cell).out();
    }
    return Workflow.of("torture", cell);
  }

  /** The ID of run {@code index} of worker {@code name}. */
  static UUID runId(String name, int index) {
    return UUID.nameUUIDFromBytes((name + "/" + index).getBytes(StandardCharsets.UTF_8));
  }

  /** Entry point; see the class documentation. */
  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    String name = args[1];
    int runs = Integer.parseInt(args[2]);
    int steps = Integer.parseInt(args[3]);
    int stepMillis = Integer.parseInt(args[4]);
    Duration lease = Duration.ofMillis(Long.parseLong(args[5]));
    int total = Integer.parseInt(args[6]);
    Journal journal = Journal.open(file, JournalOptions.builder()
        .durability(Durability.NORMAL).build());
    DurableEngine engine = DurableEngine.builder(journal).registry(registry(stepMillis, true))
        .lease(lease).takeoverInterval(lease.dividedBy(3)).maxConcurrency(2).workerThreads(8)
        .open();
    Workflow workflow = workflow(steps);
    for (int i = 0; i < runs; i++) {
      engine.start(workflow, Bind.inputs(workflow, Map.of("x", (name.hashCode() & 0xffff) * 1000 + i)),
          RunOptions.builder().runId(runId(name, i)).build()).id();
    }
    while (journal.runs().size() < total
        || journal.runs().stream().anyMatch(run -> run.status() == RunStatus.RUNNING)) {
      LockSupport.parkNanos(20_000_000);
    }
    engine.close();
    journal.close();
    System.exit(0);
  }
}
