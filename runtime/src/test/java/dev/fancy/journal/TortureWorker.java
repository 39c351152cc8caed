package dev.fancy.journal;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The child process of {@link TortureTest}: opens the journal, submits the runs that are not
 * submitted yet, resumes abandoned ones, and exits 0 once every run has finished. Each step's
 * body records its execution in {@code side_effects} through the journal's transactional effects.
 *
 * <p>Arguments: journal file, number of runs, steps per run, milliseconds per step.
 */
public final class TortureWorker {
  private TortureWorker() {}

  static StepRegistry registry(int stepMillis) {
    return StepRegistry.empty().register(Call.intStep("torture.inc", (frame, args) -> {
      frame.resources().get(JournalEffects.class).stage(frame.idempotencyKey(),
          "INSERT INTO side_effects (run_id, step_id, idempotency_key) VALUES (?, ?, ?)",
          frame.runId().toString(), frame.step().id().toString(), frame.idempotencyKey());
      Thread.sleep(stepMillis / 2 + ThreadLocalRandom.current().nextInt(stepMillis));
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

  /** Entry point; see the class documentation. */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int runs = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    int stepMillis = Integer.parseInt(args[3]);
    Journal journal = Journal.open(file, Journal.Durability.NORMAL);
    DurableEngine engine =
        DurableEngine.open(journal, registry(stepMillis), Duration.ofMillis(300), 2, null);
    Workflow workflow = workflow(steps);
    for (int i = journal.runs().size(); i < runs; i++) {
      engine.submit(workflow, Map.of("x", i * 1000));
    }
    while (!journal.runningRuns().isEmpty()) {
      engine.recover(); // takes over runs whose dead owner's lease has run out
      Thread.sleep(50);
    }
    engine.close();
    journal.close();
    System.exit(0);
  }
}
