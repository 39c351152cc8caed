package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.MathSteps;
import dev.fancy.journal.Durability;
import dev.fancy.journal.JournalOptions;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.value.TypeRef;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable run read by a process that did not build its workflow object: the same wiring code,
 * run again, gives the same cells, so {@code handle(runId).result().get(cell)} returns typed
 * values (issue 13, "Cell ids are random on every build of a workflow").
 */
class TypedResultsAcrossProcessesTest {

  @TempDir
  Path temp;

  /** The cells a process wires; every call wires them again, as another process would. */
  record Wiring(Cell<Integer> x, Cell<List<Integer>> numbers, Cell<Integer> sum,
      Cell<List<Integer>> shifted, Cell<Integer> total, Workflow workflow) {

    static Wiring build() {
      Cell<Integer> x = Cell.input("x", Integer.class);
      Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
      Cell<Integer> plusOne = MathSteps.add(x, 1).out();
      Cell<Integer> sum = MathSteps.add(plusOne, x).out();
      Cell<List<Integer>> shifted = Flow.map(numbers, 2, n -> MathSteps.add(n, sum).out());
      // the same call again, named so that it is a step of its own
      Cell<Integer> again = MathSteps.add(plusOne, x).named("again").out();
      Cell<Integer> both = MathSteps.add(sum, again).out();
      return new Wiring(x, numbers, sum, shifted, both,
          Workflow.of("typed", sum, shifted, both));
    }

    Inputs inputs() {
      return Inputs.of(x, 20).and(numbers, List.of(1, 2, 3));
    }
  }

  static StepRegistry registry() {
    return StepRegistry.empty().register(new MathSteps.Module());
  }

  static Journal open(Path file) {
    return Journal.open(file, JournalOptions.builder().durability(Durability.NORMAL).build());
  }

  private static void assertTypedValues(RunResult result, Wiring wiring) {
    assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    Integer sum = result.get(wiring.sum());
    List<Integer> shifted = result.get(wiring.shifted());
    assertThat(sum).isEqualTo(41);
    assertThat(shifted).containsExactly(42, 43, 44);
    assertThat(result.get(wiring.x())).isEqualTo(20);
    Integer both = result.get(wiring.total());
    assertThat(both).isEqualTo(82);
  }

  @Test
  void aSecondEngineOnTheJournalReadsARunByCellsOfAFreshlyBuiltWorkflow() {
    Path file = temp.resolve("journal.db");
    UUID run;
    try (Journal journal = open(file);
        DurableEngine engine = DurableEngine.open(journal, registry())) {
      Wiring wiring = Wiring.build();
      run = engine.start(wiring.workflow(), wiring.inputs()).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
    }
    try (Journal journal = open(file);
        DurableEngine engine = DurableEngine.open(journal, registry())) {
      assertTypedValues(engine.handle(run).result(), Wiring.build());
    }
  }

  @Test
  void aRunStartedInAnotherJvmIsReadByCellsWiredHere() throws Exception {
    Path file = temp.resolve("journal.db");
    Path log = temp.resolve("child.log");
    UUID run = UUID.randomUUID();
    Process child = ChildJvm.start(log, Child.class, file, run);
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child finishes").isTrue();
    assertThat(child.exitValue()).as("the child wrote:%n%s", ChildJvm.tail(log)).isZero();
    try (Journal journal = open(file);
        DurableEngine engine = DurableEngine.open(journal, registry())) {
      assertTypedValues(engine.handle(run).result(), Wiring.build());
    }
  }

  /** The other JVM: runs the workflow it wires under the given run ID, then exits. */
  public static final class Child {
    private Child() {}

    /** Arguments: journal file, run ID. */
    public static void main(String[] args) {
      Wiring wiring = Wiring.build();
      try (Journal journal = open(Path.of(args[0]));
          DurableEngine engine = DurableEngine.open(journal, registry())) {
        UUID run = engine.start(wiring.workflow(), wiring.inputs(),
            RunOptions.builder().runId(UUID.fromString(args[1])).build()).id();
        RunStatus status = engine.await(run, null);
        System.out.println("run " + run + " " + status);
        System.exit(status == RunStatus.SUCCEEDED ? 0 : 1);
      }
    }
  }
}
