package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.frame.UsageLimits;
import dev.fancy.registry.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.FlowStep;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.RouteLog;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlowTest {

  static final ValueType<Boolean> BOOLEAN = ValueType.of(Boolean.class, "boolean");
  static final Contract BELOW = Contract.of(
      List.of(Port.of("a", MathSteps.INT), Port.of("b", MathSteps.INT)),
      List.of(Port.of("out", BOOLEAN)));

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module())
      .register(new StepDefinition("test.below", 1, "", BELOW,
          (frame, args) -> new Object[] {(Integer) args[0] < (Integer) args[1]}))
      .register(Call.intStep("test.slow_double", (frame, args) -> {
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        Thread.sleep(2);
        running.decrementAndGet();
        int value = (Integer) args[0];
        if (value % 10 == 7) {
          throw new IllegalStateException("no sevens: " + value);
        }
        frame.usage().cost(new BigDecimal("0.25"));
        return new Object[] {2 * value};
      }))
      .register(Call.intStep("test.context", (frame, args) -> {
        Tally tally = frame.context(Tally.class);
        tally.add((Integer) args[0]);
        return new Object[] {tally.total()};
      }));
  private final Engine engine = Engine.builder().registry(registry).maxConcurrency(2).build();

  @AfterEach
  void close() {
    engine.close();
  }

  /** A mutable run context. */
  static final class Tally implements RouteLog {
    private int total;
    final List<String> routes = Collections.synchronizedList(new ArrayList<>());

    synchronized void add(int value) {
      total += value;
    }

    synchronized int total() {
      return total;
    }

    @Override
    public void routed(UUID stepId, List<String> branches) {
      routes.addAll(branches);
    }
  }

  private static Workflow addOne(String name, String input) {
    return Workflow.of(name, MathSteps.add(Cell.input(input, Integer.class), 1).out());
  }

  private static Workflow roundTrip(Workflow workflow) {
    Workflow back = Workflow.fromJson(workflow.toJson());
    assertThat(back).isEqualTo(workflow);
    return back;
  }

  @Test
  void subWorkflowsNestToAnyDepth() {
    Workflow inner = addOne("inner", "n");
    Cell<Integer> middleInput = Cell.input("m", Integer.class);
    FlowStep innerStep = Flow.subWorkflow(inner, Map.of("n", middleInput));
    Cell<Integer> innerOut = typed(innerStep, inner);
    Workflow middle = Workflow.of("middle", MathSteps.add(innerOut, 10).out());
    Cell<Integer> x = Cell.input("x", Integer.class);
    FlowStep outer = Flow.subWorkflow(middle, Map.of("m", x));
    Cell<Integer> result = typed(outer, middle);
    Workflow workflow = roundTrip(Workflow.of("outer", result));

    RunResult run = engine.run(workflow, Map.of("x", 5));

    assertThat(run.get(result)).isEqualTo(16);
    StepRecord record = run.history().get(0);
    assertThat(record.children()).singleElement().satisfies(child -> {
      assertThat(child.label()).isEqualTo("body");
      assertThat(child.steps().get(0).children()).hasSize(1);
    });
  }

  @SuppressWarnings("unchecked")
  private static Cell<Integer> typed(FlowStep step, Workflow child) {
    return step.output((Cell<Integer>) child.outputs().get(0));
  }

  @Test
  void mapRunsTheBodyPerElementInOrderWithBoundedConcurrency() {
    Cell<Integer> item = Cell.input("item", Integer.class);
    Workflow body = Workflow.of("double", new Call<Integer>("test.slow_double",
        Call.unary(MathSteps.INT), item).out());
    Cell<List<Integer>> numbers = Cell.input("numbers", MathSteps.INT_LIST);
    FlowStep map = Flow.map(numbers, body, "item", Map.of(), 3);
    @SuppressWarnings("unchecked")
    Cell<List<Integer>> doubled = map.results((Cell<Integer>) body.outputs().get(0));
    Workflow workflow = roundTrip(Workflow.of("map", doubled));
    List<Integer> input = IntStream.range(0, 40).map(i -> i * 10).boxed().toList();

    RunResult run = engine.run(workflow, Map.of("numbers", input));

    assertThat(run.get(doubled)).isEqualTo(input.stream().map(i -> 2 * i).toList());
    assertThat(peak.get()).isBetween(1, 3);
    assertThat(run.history().get(0).children()).hasSize(40)
        .extracting(ChildRun::label).startsWith("element 0", "element 1");
    assertThat(run.usage().cost()).isEqualByComparingTo("10.00");
    assertThat(run.history().get(0).usage().cost()).isEqualByComparingTo("10.00");
  }

  @Test
  void mapReportsFailedElementsByIndex() {
    Cell<Integer> item = Cell.input("item", Integer.class);
    Workflow body = Workflow.of("double", new Call<Integer>("test.slow_double",
        Call.unary(MathSteps.INT), item).out());
    FlowStep map = Flow.map(Cell.input("numbers", MathSteps.INT_LIST), body, "item", Map.of(), 2);
    RunResult run = engine.run(Workflow.of("map", map.outputCells().get(0)),
        Map.of("numbers", List.of(1, 7, 3, 17)));
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    StepRecord record = run.history().get(0);
    assertThat(record.errorType()).isEqualTo(ChildRunFailedException.class.getName());
    assertThat(record.errorMessage()).startsWith("2 of 4 elements of map step failed: 1: ")
        .contains("no sevens: 7", "; 3: ", "no sevens: 17");
    assertThat(record.children()).filteredOn(c -> c.status() == RunStatus.FAILED)
        .extracting(ChildRun::label).containsExactlyInAnyOrder("element 1", "element 3");
  }

  @Test
  void conditionalRunsTheChosenBranchAndReportsTheOtherSkipped() {
    Cell<Boolean> big = Cell.input("big", Boolean.class);
    Cell<Integer> x = Cell.input("x", Integer.class);
    Workflow yes = Workflow.of("yes", MathSteps.add(Cell.input("x", Integer.class), 1000).out());
    Workflow no = addOne("no", "x");
    FlowStep choose = Flow.conditional(big, Map.of("true", yes, "false", no), Map.of("x", x));
    Cell<Integer> out = typed(choose, yes);
    Workflow workflow = roundTrip(Workflow.of("choose", out));

    RunResult taken = engine.run(workflow, Map.of("big", true, "x", 1));
    assertThat(taken.get(out)).isEqualTo(1001);
    assertThat(taken.history().get(0).children())
        .extracting(ChildRun::label, ChildRun::status, ChildRun::note)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("branch true", RunStatus.SUCCEEDED, null),
            org.assertj.core.groups.Tuple.tuple("branch false", null,
                "not taken: the condition was true"));
    assertThat(engine.run(workflow, Map.of("big", false, "x", 1)).get(out)).isEqualTo(2);
  }

  @Test
  void branchesWithDifferentOutputsAreRejectedWhenBuilt() {
    Workflow ints = addOne("ints", "x");
    Workflow strings = Workflow.of("strings",
        MathSteps.shout(Cell.input("text", String.class)).out());
    assertThatThrownBy(() -> Flow.conditional(Cell.input("c", Boolean.class),
        Map.of("true", ints, "false", strings),
        Map.of("x", Cell.input("x", Integer.class), "text", Cell.input("t", String.class))))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("every branch must produce the same types");
    assertThatThrownBy(() -> Flow.subWorkflow(ints, Map.of()))
        .hasMessageContaining("child 'body' needs the input 'x', which is not bound");
    assertThatThrownBy(() -> Flow.subWorkflow(ints, Map.of("x", Cell.input("x", Integer.class),
        "y", Cell.input("y", Integer.class))))
        .hasMessageContaining("the input 'y' is used by no child workflow; remove it");
  }

  @Test
  void flowJsonWhoseOutputsDoNotFitItsChildrenIsRejected() {
    FlowStep sub = Flow.subWorkflow(addOne("inner", "n"), Map.of("n", Cell.input("n", Integer.class)));
    String json = Workflow.of("w", sub.outputCells().get(0)).toJson();
    String retyped = json.replaceFirst("\"name\" : \"out0\",(\\s+\"id\" : \"[^\"]+\",\\s+"
        + "\"alias\" : \"[^\"]+\",\\s+)\"type\" : \"int\"", "\"name\" : \"out0\",$1\"type\" : "
        + "\"java.lang.String\"");
    assertThat(retyped).isNotEqualTo(json);
    assertThatThrownBy(() -> Workflow.fromJson(retyped))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("do not match its children, which produce [out0: int]");
  }

  @Test
  void loopsCarryCellsUntilThePredicateFailsAndAreBounded() {
    Cell<Integer> n = Cell.input("n", Integer.class);
    Cell<Integer> limit = Cell.input("limit", Integer.class);
    Cell<Integer> next = MathSteps.add(n, 1).out();
    Cell<Boolean> goOn = new Call<Boolean>("test.below", BELOW, next, limit).out();
    Workflow body = Workflow.of("count", next, goOn);
    Cell<Integer> start = Cell.input("start", Integer.class);
    Cell<Integer> until = Cell.input("until", Integer.class);
    FlowStep loop = Flow.loop(body, goOn, Map.of("n", next), 10,
        Map.of("n", start, "limit", until));
    Cell<Integer> counted = loop.output(next);
    Workflow workflow = roundTrip(Workflow.of("loop", counted));

    RunResult run = engine.run(workflow, Map.of("start", 0, "until", 5));
    assertThat(run.get(counted)).isEqualTo(5);
    assertThat(run.history().get(0).children()).extracting(ChildRun::label)
        .containsExactly("iteration 1", "iteration 2", "iteration 3", "iteration 4",
            "iteration 5");

    RunResult unbounded = engine.run(workflow, Map.of("start", 0, "until", 100));
    assertThat(unbounded.status()).isEqualTo(RunStatus.FAILED);
    assertThat(unbounded.history().get(0).errorMessage()).isEqualTo("loop step still wanted to "
        + "go on after its maximum of 10 iterations; raise maxIterations or check its predicate");
    assertThatThrownBy(() -> Flow.loop(body, goOn, Map.of(), 0, Map.of("n", start, "limit",
        until))).hasMessageContaining("maxIterations is 0; a loop needs a bound of at least 1");
  }

  @Test
  void routersRunTheNamedBranchesAndRecordThem() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<List<String>> routes = Cell.input("routes",
        ValueType.of(List.class, "java.util.List<java.lang.String>"));
    Map<String, Workflow> branches = new java.util.LinkedHashMap<>();
    branches.put("a", addOne("a", "x"));
    branches.put("b", Workflow.of("b", MathSteps.add(Cell.input("x", Integer.class), 2).out()));
    branches.put("c", Workflow.of("c", MathSteps.add(Cell.input("x", Integer.class), 3).out()));
    FlowStep router = Flow.router(routes, branches, Map.of("x", x));
    Workflow workflow = roundTrip(Workflow.of("route", router.results()));
    Tally tally = new Tally();

    RunResult run = engine.run(workflow, Map.of("x", 10, "routes", List.of("c", "b")),
        RunOptions.builder().context(inputs -> tally).build());

    assertThat(run.get(router.results())).containsExactly(Map.entry("b", 12), Map.entry("c", 13));
    assertThat(tally.routes).containsExactly("b", "c");
    assertThat(run.history().get(0).children()).filteredOn(c -> c.status() == null)
        .extracting(ChildRun::label).containsExactly("branch a");
    RunResult wrong = engine.run(workflow, Map.of("x", 10, "routes", List.of("z")));
    assertThat(wrong.history().get(0).errorMessage())
        .isEqualTo("router step was routed to 'z', which is no branch; its branches are [a, b, c]");
  }

  @Test
  void parallelBranchesWorkOnContextCopiesMergedByTheRule() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Map<String, Workflow> branches = new java.util.LinkedHashMap<>();
    for (String name : List.of("left", "right", "middle")) {
      branches.put(name, Workflow.of(name, new Call<Integer>("test.context",
          Call.unary(MathSteps.INT), Cell.input("x", Integer.class)).out()));
    }
    FlowStep group = Flow.parallel(branches, Map.of("x", x), 3);
    Cell<Integer> after = new Call<Integer>("test.context", Call.unary(MathSteps.INT),
        group.outputCells().get(0)).out();
    Workflow workflow = roundTrip(Workflow.of("parallel", after));
    ContextRule<Tally> sum = new ContextRule<>() {
      @Override
      public Tally copy(Tally context) {
        Tally copy = new Tally();
        copy.add(context.total());
        return copy;
      }

      @Override
      public Tally merge(Tally context, List<Tally> copies) {
        Tally merged = new Tally();
        merged.add(context.total());
        for (Tally copy : copies) {
          merged.add(copy.total() - context.total());
        }
        return merged;
      }
    };

    RunResult run = engine.run(workflow, Map.of("x", 5), RunOptions.builder()
        .context(inputs -> new Tally()).contextRule(sum).build());

    // Each branch saw only its own addition (5); after the merge the context holds 15, and the
    // next step adds the left branch's output (5): 20.
    assertThat(run.history().get(0).children()).hasSize(3);
    assertThat(run.get(group.outputCells().get(0))).isEqualTo(5);
    assertThat(run.get(after)).isEqualTo(20);
  }

  @Test
  void aUsageBreachInsideAMapStopsTheWholeRun() {
    Cell<Integer> item = Cell.input("item", Integer.class);
    Workflow body = Workflow.of("double", new Call<Integer>("test.slow_double",
        Call.unary(MathSteps.INT), item).out());
    FlowStep map = Flow.map(Cell.input("numbers", MathSteps.INT_LIST), body, "item", Map.of(), 1);
    UsageLimitExceededException e = catchThrowableOfType(UsageLimitExceededException.class,
        () -> engine.run(Workflow.of("map", map.outputCells().get(0)),
            Map.of("numbers", List.of(1, 2, 3, 4, 5, 6)),
            RunOptions.builder().limits(UsageLimits.maxCost(BigDecimal.ONE, "USD")).build()));
    assertThat(e.total().cost()).isEqualByComparingTo("1.25");
    assertThat(e.result().status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(e.result().history().get(0).children().size()).isBetween(5, 6);
  }
}
