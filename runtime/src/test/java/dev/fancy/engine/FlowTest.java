package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.frame.UsageLimits;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.ChildRun;
import dev.fancy.run.ContextRule;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.value.TypeRef;
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
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The typed control-flow builders: what they build, how it runs, and what they refuse. */
class FlowTest {

  static final ValueType<Boolean> BOOLEAN = ValueType.of(boolean.class);
  static final Contract BELOW = Contract.of(
      List.of(Port.of("a", MathSteps.INT), Port.of("b", MathSteps.INT)),
      List.of(Port.of("out", BOOLEAN)));
  static final Contract NOTE = Contract.of(List.of(Port.of("a", MathSteps.INT)), List.of());

  /** Weather the router chooses analyses by. */
  enum Sky { RAIN, SUN, FOG }

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  /** When set, slow_double elements wait until this many of them run at the same time. */
  private volatile java.util.concurrent.CountDownLatch gate;
  private volatile int gateSize;
  private final List<Integer> notes = Collections.synchronizedList(new ArrayList<>());
  private final StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module())
      .allowType(Sky.class).allowType(Shelf.class) // workflow JSON names it, and no step's contract does
      .register(new StepDefinition("test.below", 1, "", BELOW,
          (frame, args) -> new Object[] {(Integer) args[0] < (Integer) args[1]}))
      .register(new StepDefinition("test.note", 1, "", NOTE, (frame, args) -> {
        notes.add((Integer) args[0]);
        return new Object[0];
      }))
      .register(Call.intStep("test.slow_double", (frame, args) -> {
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        java.util.concurrent.CountDownLatch together = gate;
        if (together != null) {
          together.countDown();
          // The first elements go on only once as many run at once as the gate counts: an engine
          // that ran them one at a time would fail here.
          if (!together.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
            running.decrementAndGet();
            throw new AssertionError("elements never ran " + gateSize + " at a time");
          }
        }
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

  private static Cell<Integer> slowDouble(Cell<Integer> value) {
    return new Call<Integer>("test.slow_double", Call.unary(MathSteps.INT), value).out();
  }

  private static Cell<Boolean> below(Cell<Integer> a, Cell<Integer> b) {
    return new Call<Boolean>("test.below", BELOW, a, b).out();
  }

  /** The workflow after a JSON round trip, which must be equal. */
  private static Workflow roundTrip(Workflow workflow) {
    Workflow back = Workflow.fromJson(workflow.toJson());
    assertThat(back).isEqualTo(workflow);
    return back;
  }

  @Test
  void subWorkflowsCaptureOuterCellsAndNestToAnyDepth() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<Integer> ten = MathSteps.add(x, 9).out();
    Cell<Integer> result = Flow.subWorkflow("middle", () -> {
      Cell<Integer> inner = Flow.subWorkflow("inner", () -> MathSteps.add(x, 1).out());
      return MathSteps.add(inner, ten).out();
    });
    Workflow workflow = roundTrip(Workflow.of("outer", result));

    RunResult run = engine.run(workflow, Inputs.of(x, 5));

    assertThat(run.get(result)).isEqualTo(6 + 14);
    FlowStep middle = (FlowStep) result.producer();
    assertThat(middle.inputNames()).as("x and the outer add's output are captured")
        .containsExactly("add_out", "x");
    StepRecord record = run.step(middle);
    assertThat(record.children()).singleElement().satisfies(child -> {
      assertThat(child.label()).isEqualTo("body");
      assertThat(child.steps().get(0).children()).hasSize(1);
    });
  }

  @Test
  void aSubWorkflowTakesATypedArgumentSoOneBodyServesSeveralCalls() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    java.util.function.Function<Cell<Integer>, Cell<Integer>> plusOne =
        n -> MathSteps.add(n, 1).out();
    Cell<Integer> a = Flow.subWorkflow("a", x, plusOne);
    Cell<Integer> b = Flow.subWorkflow("b", a, plusOne);
    RunResult run = engine.run(roundTrip(Workflow.of("twice", b)), Inputs.of(x, 40));
    assertThat(run.get(b)).isEqualTo(42);
  }

  @Test
  void mapRunsTheBodyPerElementInOrderWithBoundedConcurrency() {
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    Cell<List<Integer>> doubled = Flow.map(numbers, 3, FlowTest::slowDouble);
    Workflow workflow = roundTrip(Workflow.of("map", doubled));
    List<Integer> input = IntStream.range(0, 40).map(i -> i * 10).boxed().toList();
    gateSize = 3;
    gate = new java.util.concurrent.CountDownLatch(3);

    RunResult run = engine.run(workflow, Inputs.of(numbers, input));

    assertThat(run.get(doubled)).isEqualTo(input.stream().map(i -> 2 * i).toList());
    assertThat(peak.get()).as("three at a time, never more").isEqualTo(3);
    assertThat(run.history().get(0).children()).hasSize(40)
        .extracting(ChildRun::label).startsWith("element 0", "element 1");
    assertThat(run.usage().cost()).isEqualByComparingTo("10.00");
    assertThat(run.history().get(0).usage().cost()).isEqualByComparingTo("10.00");
  }

  @Test
  void aMapBodyCapturesCellsOfTheWorkflowAndRunsItsVoidSteps() {
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    Cell<Integer> offset = Cell.input("offset", Integer.class);
    Cell<List<Integer>> shifted = Flow.map(numbers, 2, n -> {
      new Call<Void>("test.note", NOTE, n); // a void step: nobody reads it, it runs anyway
      return MathSteps.add(n, offset).out();
    });
    RunResult run = engine.run(roundTrip(Workflow.of("shift", shifted)),
        Inputs.of(numbers, List.of(1, 2, 3)).and(offset, 100));
    assertThat(run.get(shifted)).containsExactly(101, 102, 103);
    assertThat(notes).containsExactlyInAnyOrder(1, 2, 3);
  }

  @Test
  void mapReportsFailedElementsByIndex() {
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    Cell<List<Integer>> doubled = Flow.map(numbers, 2, FlowTest::slowDouble);
    RunResult run = engine.run(Workflow.of("map", doubled),
        Inputs.of(numbers, List.of(1, 7, 3, 17)));
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    StepRecord record = run.history().get(0);
    assertThat(record.error().type()).isEqualTo("dev.fancy.internal.core.ChildRunFailedException");
    assertThat(record.error().message()).startsWith("2 of 4 elements of map step failed: 1: ")
        .contains("no sevens: 7", "; 3: ", "no sevens: 17");
    assertThat(record.children()).filteredOn(c -> c.status() == RunStatus.FAILED)
        .extracting(ChildRun::label).containsExactlyInAnyOrder("element 1", "element 3");
  }

  @Test
  void ifElseRunsTheChosenBranchAndReportsTheOtherNotTaken() {
    Cell<Boolean> big = Cell.input("big", Boolean.class);
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<Integer> out = Flow.ifElse(big, () -> MathSteps.add(x, 1000).out(),
        () -> MathSteps.add(x, 1).out());
    Workflow workflow = roundTrip(Workflow.of("choose", out));

    RunResult taken = engine.run(workflow, Inputs.of(big, true).and(x, 1));
    assertThat(taken.get(out)).isEqualTo(1001);
    assertThat(taken.history().get(0).children())
        .extracting(ChildRun::label, ChildRun::status, ChildRun::note)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("branch true", RunStatus.SUCCEEDED, null),
            org.assertj.core.groups.Tuple.tuple("branch false", null,
                "not taken: the condition was true"));
    assertThat(engine.run(workflow, Inputs.of(big, false).and(x, 1)).get(out)).isEqualTo(2);
  }

  @Test
  void aSwitchOnAnEnumRunsTheBranchOfItsValueAndNeedsEveryConstant() {
    Cell<Sky> sky = Cell.input("sky", Sky.class);
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<Integer> out = Flow.switchOn(sky)
        .when(Sky.RAIN, () -> MathSteps.add(x, 1).out())
        .when(Sky.SUN, () -> MathSteps.add(x, 2).out())
        .when(Sky.FOG, () -> x)
        .end();
    Workflow workflow = roundTrip(Workflow.of("switch", out));
    assertThat(engine.run(workflow, Inputs.of(sky, Sky.SUN).and(x, 10)).get(out)).isEqualTo(12);
    assertThat(engine.run(workflow, Inputs.of(sky, Sky.FOG).and(x, 10)).get(out)).isEqualTo(10);

    assertThatThrownBy(() -> Flow.switchOn(sky).when(Sky.RAIN, () -> x).end())
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("the constants [SUN, FOG] have no branch; give every constant of "
            + "Sky a branch");
  }

  @Test
  void loopsCarryTheirStateUntilThePredicateFailsAndAreBounded() {
    Cell<Integer> start = Cell.input("start", Integer.class);
    Cell<Integer> until = Cell.input("until", Integer.class);
    Cell<Integer> counted = Flow.loop(start, 10, n -> {
      Cell<Integer> next = MathSteps.add(n, 1).out();
      return Flow.next(next, below(next, until));
    });
    Workflow workflow = roundTrip(Workflow.of("loop", counted));

    RunResult run = engine.run(workflow, Inputs.of(start, 0).and(until, 5));
    assertThat(run.get(counted)).isEqualTo(5);
    assertThat(run.history().get(0).children()).extracting(ChildRun::label)
        .containsExactly("iteration 1", "iteration 2", "iteration 3", "iteration 4",
            "iteration 5");

    RunResult unbounded = engine.run(workflow, Inputs.of(start, 0).and(until, 100));
    assertThat(unbounded.status()).isEqualTo(RunStatus.FAILED);
    assertThat(unbounded.history().get(0).error().message()).isEqualTo("loop step still wanted to "
        + "go on after its maximum of 10 iterations; raise maxIterations or check its predicate");
    assertThatThrownBy(() -> Flow.loop(start, 0, n -> Flow.next(n, below(n, until))))
        .hasMessageContaining("maxIterations is 0; a loop needs a bound of at least 1");
  }

  @Test
  void routersRunTheBranchesOfTheRoutedKeysAndRecordThem() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<List<Sky>> routes = Cell.input("routes", new TypeRef<List<Sky>>() {});
    Cell<Map<Sky, Integer>> results = Flow.route(routes)
        .when(Sky.RAIN, () -> MathSteps.add(x, 1).out())
        .when(Sky.SUN, () -> MathSteps.add(x, 2).out())
        .when(Sky.FOG, () -> MathSteps.add(x, 3).out())
        .end();
    Workflow workflow = roundTrip(Workflow.of("route", results));
    Tally tally = new Tally();

    RunResult run = engine.run(workflow, Inputs.of(routes, List.of(Sky.FOG, Sky.SUN)).and(x, 10),
        RunOptions.builder().context(inputs -> tally).build());

    assertThat(run.get(results)).containsExactly(Map.entry(Sky.SUN, 12), Map.entry(Sky.FOG, 13));
    assertThat(tally.routes).containsExactly("SUN", "FOG");
    assertThat(run.history().get(0).children()).filteredOn(c -> c.status() == null)
        .extracting(ChildRun::label).containsExactly("branch RAIN");
  }

  /** A key whose text is the same for every value: only its value tells keys apart. */
  public record Shelf(String code) {
    @Override
    public String toString() {
      return "shelf";
    }
  }

  @Test
  void routeKeysAreComparedByValueNotByTheirText() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<List<Shelf>> routes = Cell.input("routes", new TypeRef<List<Shelf>>() {});
    Cell<Map<Shelf, Integer>> results = Flow.route(routes)
        .when(new Shelf("a"), () -> MathSteps.add(x, 1).out())
        .when(new Shelf("b"), () -> MathSteps.add(x, 2).out())
        .end();
    Workflow workflow = roundTrip(Workflow.of("shelves", results));

    RunResult run = engine.run(workflow, Inputs.of(routes, List.of(new Shelf("b"))).and(x, 10));

    assertThat(run.get(results)).containsExactly(Map.entry(new Shelf("b"), 12));
    assertThat(run.history().get(0).children()).filteredOn(c -> c.status() == null)
        .extracting(ChildRun::label).containsExactly("branch {\"code\":\"a\"}");
    RunResult unknown = engine.run(workflow, Inputs.of(routes, List.of(new Shelf("c")))
        .and(x, 10));
    assertThat(unknown.history().get(0).error().message()).startsWith(
        "router step was routed to 'shelf', which has no branch");
    assertThatThrownBy(() -> Flow.route(routes).when(new Shelf("a"), () -> x)
        .when(new Shelf("a"), () -> x)).hasMessageContaining("has a branch already");
  }

  @Test
  void aRouterWithStringKeysRefusesARouteWithoutBranch() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<List<String>> routes = Cell.input("routes", new TypeRef<List<String>>() {});
    Cell<Map<String, Integer>> results = Flow.route(routes)
        .when("a", () -> MathSteps.add(x, 1).out())
        .when("b", () -> MathSteps.add(x, 2).out())
        .end();
    Workflow workflow = roundTrip(Workflow.of("route", results));
    assertThat(engine.run(workflow, Inputs.of(routes, List.of("b")).and(x, 1)).get(results))
        .containsExactly(Map.entry("b", 3));
    RunResult wrong = engine.run(workflow, Inputs.of(routes, List.of("z")).and(x, 1));
    assertThat(wrong.history().get(0).error().message())
        .isEqualTo("router step was routed to 'z', which has no branch; its branches are [a, b]");
  }

  @Test
  void parallelBranchesWorkOnContextCopiesMergedByTheRule() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Supplier<Cell<Integer>> branch = () -> new Call<Integer>("test.context",
        Call.unary(MathSteps.INT), x).out();
    List<Cell<Integer>> outputs = Flow.parallel(3, List.of(branch, branch, branch));
    Cell<Integer> after = new Call<Integer>("test.context", Call.unary(MathSteps.INT),
        outputs.get(0)).out();
    Workflow workflow = roundTrip(Workflow.of("parallel", after));
    ContextRule<Tally> sum = new ContextRule<>() {
      @Override
      public Tally copy(Tally context) {
        Tally copy = new Tally();
        copy.add(context.total());
        return copy;
      }

      @Override
      public void merge(Tally context, Tally before, List<Tally> copies) {
        for (Tally copy : copies) {
          context.add(copy.total() - before.total());
        }
      }
    };

    RunResult run = engine.run(workflow, Inputs.of(x, 5), RunOptions.builder()
        .context(inputs -> new Tally()).contextRule(sum).build());

    // Each branch saw only its own addition (5); after the merge the context holds 15, and the
    // next step adds the first branch's output (5): 20.
    assertThat(run.history().get(0).children()).hasSize(3);
    assertThat(run.get(outputs.get(0))).isEqualTo(5);
    assertThat(run.get(after)).isEqualTo(20);
  }

  @Test
  void twoParallelBranchesOfDifferentTypes() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<String> text = Cell.input("text", String.class);
    Flow.Pair<Integer, String> both = Flow.parallel(2, () -> MathSteps.add(x, 1).out(),
        () -> MathSteps.shout(text).out());
    RunResult run = engine.run(roundTrip(Workflow.of("both", both.first(), both.second())),
        Inputs.of(x, 1).and(text, "hi"));
    assertThat(run.get(both.first())).isEqualTo(2);
    assertThat(run.get(both.second())).isEqualTo("HI");
  }

  @Test
  void aCellMadeInsideABodyCannotBeUsedOutsideIt() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    List<Cell<Integer>> leaked = new ArrayList<>();
    Flow.subWorkflow("leaky", () -> {
      Cell<Integer> inner = MathSteps.add(x, 1).out();
      leaked.add(inner);
      return inner;
    });
    assertThatThrownBy(() -> Workflow.of("outside", MathSteps.add(leaked.get(0), 1).out()))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("was made inside the body of sub-workflow 'leaky'; a cell made "
            + "there exists only in that body: use the result the control-flow step returns");
  }

  @Test
  void anInputMadeInsideABodyIsRefused() {
    assertThatThrownBy(() -> Flow.subWorkflow("own input",
        () -> MathSteps.add(Cell.input("y", Integer.class), 1).out()))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("uses the input cell 'y' made inside the body; make inputs "
            + "outside the body and use them in it");
  }

  @Test
  void aMapNeedsTheElementTypeOfItsItems() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    Cell<List<Integer>> raw = (Cell) Cell.input("raw",
        ValueType.of(java.util.Collection.class, "java.util.Collection"));
    assertThatThrownBy(() -> Flow.map(raw, 2, n -> n))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a collection whose element type is known");
  }

  @Test
  void flowJsonWhoseOutputsDoNotFitItsChildrenIsRejected() {
    Cell<Integer> n = Cell.input("n", Integer.class);
    String json = Workflow.of("w", Flow.subWorkflow("inner", () -> MathSteps.add(n, 1).out()))
        .toJson();
    String retyped = json.replaceFirst("\"name\" : \"out0\",(\\s+\"id\" : \"[^\"]+\",\\s+"
        + "\"alias\" : \"[^\"]+\",\\s+)\"type\" : \"int\"", "\"name\" : \"out0\",$1\"type\" : "
        + "\"java.lang.String\"");
    assertThat(retyped).isNotEqualTo(json);
    assertThatThrownBy(() -> Workflow.fromJson(retyped))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("do not match its children, which produce [out0: int]");
  }

  @Test
  void aUsageBreachInsideAMapStopsTheWholeRun() {
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    Cell<List<Integer>> doubled = Flow.map(numbers, 1, FlowTest::slowDouble);
    UsageLimitExceededException e = catchThrowableOfType(UsageLimitExceededException.class,
        () -> engine.run(Workflow.of("map", doubled),
            Inputs.of(numbers, List.of(1, 2, 3, 4, 5, 6)),
            RunOptions.builder().limits(UsageLimits.maxCost(BigDecimal.ONE, "USD")).build()));
    assertThat(e.total().cost()).isEqualByComparingTo("1.25");
    assertThat(e.result().status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(e.result().history().get(0).children().size()).isBetween(5, 6);
  }
}
