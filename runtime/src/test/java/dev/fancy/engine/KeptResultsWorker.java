package dev.fancy.engine;

import dev.fancy.fixtures.Bind;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.journal.Durability;
import dev.fancy.journal.JournalOptions;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * A child process of {@link KeptResultsTest}: runs {@code runs} one-step runs one after the other
 * on a durable engine with its default kept-results bounds, each step returning a list of
 * {@code ints} integers (about 150 KB of JSON for 21,000), and exits 0 if every run succeeded
 * and the first run's output can still be read by {@code handle(id).result()}; 3 with the
 * failure otherwise.
 *
 * <p>Arguments: journal file, runs, integers per output.
 */
public final class KeptResultsWorker {
  private KeptResultsWorker() {}

  static final Contract BIG = Contract.of(List.of(Port.of("a", MathSteps.INT)),
      List.of(Port.of("out", MathSteps.INT_LIST)));

  /** Entry point; see the class documentation. */
  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    int runs = Integer.parseInt(args[1]);
    int ints = Integer.parseInt(args[2]);
    StepRegistry registry = StepRegistry.empty().register(new StepDefinition("kept.big", 1, "",
        BIG, (frame, in) -> new Object[] {IntStream.range(0, ints)
            .map(i -> 100_000 + i + (Integer) in[0]).boxed().toList()}));
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<List<Integer>> big = new Call<>("kept.big", BIG, x);
    Workflow workflow = Workflow.of("kept", big.out());
    try (Journal journal = Journal.open(file, JournalOptions.builder()
            .durability(Durability.NORMAL).build());
        DurableEngine engine = DurableEngine.builder(journal).registry(registry).open()) {
      UUID first = null;
      for (int i = 0; i < runs; i++) {
        UUID run = engine.start(workflow, Bind.inputs(workflow, Map.of("x", i))).id();
        first = first == null ? run : first;
        RunResult result = engine.handle(run).result();
        if (result.status() != RunStatus.SUCCEEDED) {
          System.out.println("run " + i + " ended " + result.status() + ": " + result.failure());
          System.exit(3);
        }
      }
      List<?> out = (List<?>) engine.handle(first).result().get(big.out());
      if (out.size() != ints || !out.get(0).equals(100_000)) {
        System.out.println("the first run's output reads back wrong: " + out.size() + " items");
        System.exit(3);
      }
      System.out.println("kept: " + runs + " runs succeeded");
    } catch (RuntimeException | Error e) {
      e.printStackTrace(System.out);
      System.exit(3);
    }
    System.exit(0);
  }
}
