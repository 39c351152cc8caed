package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.ContextRule;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.value.TypeRef;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.Workflow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The run context under a {@link ContextRule}: every group that runs children at the same time
 * (parallel, map, route) gives each child a copy and merges the copies back into the live
 * context, and no write to the context is lost, also one made outside the group while it runs.
 */
class ContextRuleTest {

  /** A mutable run context: a running total. */
  static final class Tally {
    private int total;

    Tally(int total) {
      this.total = total;
    }

    synchronized void add(int value) {
      total += value;
    }

    synchronized int total() {
      return total;
    }
  }

  /** What the rule's merge was handed, for the assertions. */
  private final List<Integer> beforeAtMerge = Collections.synchronizedList(new ArrayList<>());
  private final List<List<Integer>> childrenAtMerge =
      Collections.synchronizedList(new ArrayList<>());

  /** Adds each child's change (its copy minus the context before the group) in place. */
  private final ContextRule<Tally> sum = new ContextRule<>() {
    @Override
    public Tally copy(Tally context) {
      return new Tally(context.total());
    }

    @Override
    public void merge(Tally context, Tally before, List<Tally> children) {
      beforeAtMerge.add(before.total());
      childrenAtMerge.add(children.stream().map(Tally::total).toList());
      for (Tally child : children) {
        context.add(child.total() - before.total());
      }
    }
  };

  /** Released by the side step once it wrote to the context while the group ran. */
  private final CountDownLatch sideWrote = new CountDownLatch(1);
  /** Counted down by each held branch once it runs. */
  private volatile CountDownLatch branchesRunning = new CountDownLatch(2);

  private final StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module())
      // adds its input to the context and returns the context's total as the step saw it
      .register(Call.intStep("test.add", (frame, args) -> {
        Tally tally = frame.context(Tally.class);
        tally.add((Integer) args[0]);
        return new Object[] {tally.total()};
      }))
      // as test.add, then waits until the side step has written to the context
      .register(Call.intStep("test.held_add", (frame, args) -> {
        Tally tally = frame.context(Tally.class);
        tally.add((Integer) args[0]);
        branchesRunning.countDown();
        if (!sideWrote.await(10, TimeUnit.SECONDS)) {
          throw new AssertionError("the side step never wrote");
        }
        return new Object[] {tally.total()};
      }))
      // waits until both held branches run, then adds its input while the group is running
      .register(Call.intStep("test.side_add", (frame, args) -> {
        if (!branchesRunning.await(10, TimeUnit.SECONDS)) {
          throw new AssertionError("the branches never ran");
        }
        frame.context(Tally.class).add((Integer) args[0]);
        sideWrote.countDown();
        return new Object[] {(Integer) args[0]};
      }));
  private final Engine engine = Engine.builder().registry(registry).maxConcurrency(4).build();

  @AfterEach
  void close() {
    engine.close();
  }

  private static Cell<Integer> call(String slug, Cell<Integer> input) {
    return new Call<Integer>(slug, Call.unary(MathSteps.INT), input).out();
  }

  private RunResult run(Workflow workflow, Inputs inputs, int start) {
    return engine.run(workflow, inputs, RunOptions.builder()
        .context(in -> new Tally(start)).contextRule(sum).build());
  }

  @Test
  void mapElementsWorkOnCopiesMergedByTheRule() {
    Cell<List<Integer>> items = Cell.input("items", new TypeRef<List<Integer>>() {});
    Cell<List<Integer>> seen = Flow.map(items, 3, item -> call("test.add", item));
    Cell<Integer> zero = Cell.input("zero", Integer.class);
    Cell<Integer> after = call("test.add", zero);
    after.producer().after(seen.producer());
    Workflow workflow = Workflow.of("map", seen, after);

    RunResult run = run(workflow, Inputs.of(items, List.of(1, 2, 4)).and(zero, 0), 10);

    assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
    // each element saw the context before the map plus only its own write
    assertThat(run.get(seen)).containsExactly(11, 12, 14);
    assertThat(beforeAtMerge).containsExactly(10);
    assertThat(run.get(after)).isEqualTo(17);
  }

  @Test
  void routeBranchesWorkOnCopiesMergedByTheRule() {
    Cell<List<String>> routes = Cell.input("routes", new TypeRef<List<String>>() {});
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<Map<String, Integer>> seen = Flow.route(routes)
        .when("a", () -> call("test.add", x))
        .when("b", () -> call("test.add", MathSteps.add(x, 1).out()))
        .end();
    Cell<Integer> zero = Cell.input("zero", Integer.class);
    Cell<Integer> after = call("test.add", zero);
    after.producer().after(seen.producer());
    Workflow workflow = Workflow.of("route", seen, after);

    RunResult run = run(workflow, Inputs.of(routes, List.of("a", "b")).and(x, 1).and(zero, 0),
        0);

    assertThat(run.get(seen)).containsExactly(Map.entry("a", 1), Map.entry("b", 2));
    assertThat(run.get(after)).isEqualTo(3);
  }

  @Test
  void aWriteOutsideTheGroupWhileItRunsIsNotLost() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Supplier<Cell<Integer>> held = () -> call("test.held_add", x);
    List<Cell<Integer>> branches = Flow.parallel(2, List.of(held, held));
    Cell<Integer> hundred = Cell.input("hundred", Integer.class);
    Cell<Integer> side = call("test.side_add", hundred);
    // after both: +200, then +300, each on the context the run has after the merge
    Cell<Integer> twoHundred = call("test.add", MathSteps.add(side, 100).out());
    twoHundred.producer().after(branches.get(0).producer());
    Cell<Integer> three = Cell.input("three", Integer.class);
    Cell<Integer> threeHundred = call("test.add", three);
    threeHundred.producer().after(twoHundred.producer());
    Workflow workflow = Workflow.of("outside", branches.get(0), branches.get(1), threeHundred);

    RunResult run = run(workflow, Inputs.of(x, 1).and(hundred, 100).and(three, 300), 0);

    assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
    // the merge saw the context as it was before the group, not the side step's write
    assertThat(beforeAtMerge).containsExactly(0);
    assertThat(childrenAtMerge).containsExactly(List.of(1, 1));
    // 100 (side, during the group) + 1 + 1 (branches) + 200 + 300 (later steps): nothing lost
    assertThat(run.get(twoHundred)).isEqualTo(302);
    assertThat(run.get(threeHundred)).isEqualTo(302 + 300);
  }
}
