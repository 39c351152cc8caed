package dev.fancy.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.fixtures.MathSteps.AddStep;
import dev.fancy.value.TypeRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Cell and step IDs are derived from the wiring (docs/semantics.md, "Cell and step IDs"): the same
 * wiring code gives the same IDs on every build, in any process, so {@code RunResult.get(cell)}
 * works on a run that another build of the workflow started.
 */
class StableIdsTest {

  enum Sky { RAIN, SUN }

  /** A workflow of plain steps, constants and composites, wired the same way on every call. */
  static Workflow plain() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<Integer> y = Cell.input("y", MathSteps.INT);
    AddStep a = MathSteps.add(x, 1);
    AddStep b = MathSteps.add(a.out(), y);
    Composite.Group group = Composite.group(Map.of("a", a.out(), "b", b.out()));
    Composite.Ungroup parts = Composite.ungroup(group.out());
    AddStep c = MathSteps.add(parts.member(a.out()), parts.member(b.out()));
    return Workflow.of("plain", c.out(), b.out());
  }

  /** A workflow with every kind of control-flow step, nested. */
  static Workflow flows() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    Cell<List<Sky>> routes = Cell.input("routes", new TypeRef<List<Sky>>() {});
    Cell<Boolean> flag = Cell.input("flag", Boolean.class);
    Cell<List<Integer>> mapped = Flow.map(numbers, 2, n -> MathSteps.add(n, x).out());
    Cell<Integer> sub = Flow.subWorkflow("inner", () -> MathSteps.add(x, 5).out());
    Cell<Integer> chosen = Flow.ifElse(flag, () -> MathSteps.add(sub, 1).out(),
        () -> Flow.subWorkflow("nested", () -> MathSteps.add(sub, 2).out()));
    Cell<Map<Sky, Integer>> routed = Flow.route(routes)
        .when(Sky.RAIN, () -> MathSteps.add(x, 3).out())
        .when(Sky.SUN, () -> MathSteps.add(x, 4).out())
        .end();
    Cell<Integer> looped = Flow.loop(x, 5, n -> {
      Cell<Integer> next = MathSteps.add(n, 1).out();
      return Flow.next(next, new Call<Boolean>("test.below", Contract.of(
          List.of(Port.of("a", MathSteps.INT), Port.of("b", MathSteps.INT)),
          List.of(Port.of("out", dev.fancy.value.ValueType.of(Boolean.class)))), next, chosen)
          .out());
    });
    List<Cell<Integer>> parallel = Flow.parallel(2, List.of(
        () -> MathSteps.add(looped, 1).out(), () -> MathSteps.add(looped, 2).out()));
    return Workflow.of("flows", mapped, routed, parallel.get(0), parallel.get(1));
  }

  private static List<UUID> ids(Workflow workflow) {
    List<UUID> ids = new ArrayList<>();
    workflow.inputs().forEach(cell -> ids.add(cell.id()));
    workflow.constants().forEach(cell -> ids.add(cell.id()));
    for (WorkflowStep step : workflow.steps()) {
      ids.add(step.id());
      step.outputCells().forEach(cell -> ids.add(cell.id()));
      if (step instanceof FlowStep flow) {
        flow.children().values().forEach(child -> ids.addAll(ids(child)));
      }
    }
    return ids;
  }

  @Test
  void buildingTheSameWorkflowTwiceGivesEqualIds() {
    Workflow first = plain();
    Workflow second = plain();
    assertThat(ids(second)).isEqualTo(ids(first)).doesNotHaveDuplicates();
    assertThat(second).isEqualTo(first);
    assertThat(second.toJson()).isEqualTo(first.toJson());
  }

  @Test
  void controlFlowStepsBuiltTwiceHaveEqualIds() {
    Workflow first = flows();
    Workflow second = flows();
    assertThat(ids(second)).isEqualTo(ids(first));
    assertThat(second).isEqualTo(first);
    assertThat(second.toJson()).isEqualTo(first.toJson());
    assertThat(Workflow.fromJson(second.toJson())).isEqualTo(first);
  }

  @Test
  void differentWiringGivesDifferentIds() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    assertThat(Cell.input("x", MathSteps.INT).id()).as("another type").isNotEqualTo(x.id());
    assertThat(Cell.input("z", Integer.class).id()).as("another alias").isNotEqualTo(x.id());
    assertThat(Cell.constant("x", MathSteps.INT, 1).id()).as("a constant, not an input")
        .isNotEqualTo(Cell.input("x", MathSteps.INT).id());
    assertThat(Cell.constant("b", MathSteps.INT, 1).id())
        .isEqualTo(Cell.constant("b", MathSteps.INT, 1).id())
        .isNotEqualTo(Cell.constant("b", MathSteps.INT, 2).id());
    AddStep one = MathSteps.add(x, 1);
    assertThat(MathSteps.add(x, 2).id()).as("another constant").isNotEqualTo(one.id());
    assertThat(MathSteps.add(one.out(), 1).id()).as("another input").isNotEqualTo(one.id());
    assertThat(MathSteps.shout(Cell.input("x", MathSteps.STRING)).out().id())
        .as("outputs of different steps").isNotEqualTo(one.out().id());
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    assertThat(Flow.map(numbers, 2, n -> MathSteps.add(n, 1).out()).id())
        .as("maps with other bodies")
        .isNotEqualTo(Flow.map(numbers, 2, n -> MathSteps.add(n, 2).out()).id())
        .as("maps with another concurrency")
        .isNotEqualTo(Flow.map(numbers, 3, n -> MathSteps.add(n, 1).out()).id())
        .isEqualTo(Flow.map(numbers, 2, n -> MathSteps.add(n, 1).out()).id());
  }

  @Test
  void twoIdenticalCallsOfAStepAreRejectedNamingBoth() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep first = MathSteps.add(x, 1);
    AddStep second = MathSteps.add(x, 1);
    assertThatThrownBy(() -> Workflow.of("twice", first.out(), second.out()))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("'math.add'")
        .hasMessageContaining(first.id().toString())
        .hasMessageContaining("named(");
  }

  @Test
  void identicalStepsOrderedDifferentlyAreStillTwoCallsAndRejected() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep a = MathSteps.add(x, 1);
    AddStep b = MathSteps.add(x, 2);
    AddStep afterA = MathSteps.add(x, 3);
    afterA.after(a);
    AddStep afterB = MathSteps.add(x, 3);
    afterB.after(b);
    assertThatThrownBy(() -> Workflow.of("ordered", afterA, afterB))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("named(");
  }

  @Test
  void identicalControlFlowStepsAreRejected() {
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    Cell<List<Integer>> one = Flow.map(numbers, 2, n -> MathSteps.add(n, 1).out());
    Cell<List<Integer>> two = Flow.map(numbers, 2, n -> MathSteps.add(n, 1).out());
    assertThatThrownBy(() -> Workflow.of("maps", one, two))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("'fancy.flow.map'")
        .hasMessageContaining("named(");
  }

  /** Two calls of one step with the same inputs, the second named. */
  static Workflow twice() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep first = MathSteps.add(x, 1);
    AddStep second = MathSteps.add(x, 1).named("second");
    return Workflow.of("twice", first.out(), second.out());
  }

  @Test
  void namingOneOfTwoIdenticalCallsTellsThemApartStably() {
    Workflow workflow = twice();
    WorkflowStep first = workflow.steps().get(0);
    WorkflowStep second = workflow.steps().get(1);
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(second.outputCells().get(0).id()).isNotEqualTo(first.outputCells().get(0).id());
    assertThat(second.callName()).contains("second");
    assertThat(first.callName()).isEmpty();
    assertThat(second.outputCells().get(0).alias()).isEqualTo("second.out");
    assertThat(ids(twice())).isEqualTo(ids(workflow)).doesNotHaveDuplicates();
    assertThat(twice()).isEqualTo(workflow);
    Workflow read = Workflow.fromJson(workflow.toJson());
    assertThat(read).isEqualTo(workflow);
    assertThat(read.steps().get(1).callName()).contains("second");
    assertThat(workflow.toJson()).contains("\"name\" : \"second\"");
  }

  @Test
  void twoCallsWithOneNameAreStillRejected() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep first = MathSteps.add(x, 1).named("again");
    AddStep second = MathSteps.add(x, 1).named("again");
    assertThatThrownBy(() -> Workflow.of("twice", first.out(), second.out()))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("both named 'again'");
  }

  @Test
  void aStepIsNamedBeforeItsOutputsAreWiredWithAWellFormedName() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep step = MathSteps.add(x, 1);
    assertThatThrownBy(() -> step.named("Second one"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step name 'Second one' is malformed");
    MathSteps.add(step.out(), 2);
    assertThatThrownBy(() -> step.named("second"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("output 'out' of step 'math.add'")
        .hasMessageContaining("right after the factory");
    AddStep built = MathSteps.add(x, 3);
    Workflow.of("built", built.out());
    assertThatThrownBy(() -> built.named("late"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already part of a workflow");
  }

  @Test
  void aControlFlowStepIsNamedThroughItsResultsProducer() {
    Cell<List<Integer>> numbers = Cell.input("numbers", new TypeRef<List<Integer>>() {});
    Cell<List<Integer>> one = Flow.map(numbers, 2, n -> MathSteps.add(n, 1).out());
    Cell<List<Integer>> two = Flow.map(numbers, 2, n -> MathSteps.add(n, 1).out());
    UUID before = two.id();
    two.producer().named("second_map");
    assertThat(two.id()).as("the result follows its renamed step").isNotEqualTo(before);
    Workflow workflow = Workflow.of("maps", one, two);
    assertThat(Workflow.fromJson(workflow.toJson())).isEqualTo(workflow);
  }

  @Test
  void identicalStepsInDifferentBranchesNeedNoName() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    List<Cell<Integer>> both = Flow.parallel(2, List.of(
        () -> MathSteps.add(x, 1).out(), () -> MathSteps.add(x, 1).out()));
    Workflow workflow = Workflow.of("branches", both.get(0), both.get(1));
    assertThat(Workflow.fromJson(workflow.toJson())).isEqualTo(workflow);
  }

  @Test
  void aMalformedStepNameInJsonIsReported() {
    String json = twice().toJson().replace("\"name\" : \"second\"", "\"name\" : \"Second\"");
    assertThatThrownBy(() -> Workflow.fromJson(json))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("has the name 'Second'");
  }

  /**
   * The derivation itself is pinned: a change to it changes every ID, so runs recorded before the
   * change could no longer be read by the cells of a new build. The IDs were computed
   * independently in Python, {@code uuid.UUID(bytes=sha1(namespace.bytes + name)[:16],
   * version=5)}, the name being the fields as ContentId writes them: the input's "input", "x",
   * "java.lang.Integer"; the constant's "constant", "b", "int", "1"; the step's "step",
   * "math.add", "1", "2", "a", the input's ID, "b", the constant's ID, "1", "out", null,
   * "VALUE", "int"; the output's "output", the step's ID, "0".
   */
  @Test
  void theDerivationIsAVersionFiveUuidThatDoesNotChange() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    assertThat(x.id()).hasToString("8547faca-71c9-51c2-af58-0748cb97845a");
    assertThat(x.id().version()).isEqualTo(5);
    assertThat(x.id().variant()).isEqualTo(2);
    AddStep add = MathSteps.add(x, 1);
    assertThat(add.id()).hasToString(PINNED_STEP);
    assertThat(add.out().id()).hasToString(PINNED_OUTPUT);
  }

  private static final String PINNED_STEP = "8d8e427a-072a-516d-bea9-6316819b80ff";
  private static final String PINNED_OUTPUT = "627e7bfe-26d0-5e96-a57c-49f87d4bc1aa";

  @Test
  void aSchemaVersionOneFileKeepsTheIdsItStores() {
    String json = """
        {
          "schemaVersion" : 1,
          "name" : "old",
          "inputs" : [ { "id" : "00000000-0000-4000-8000-000000000001", "alias" : "x",
                         "type" : "java.lang.Integer", "kind" : "VALUE" } ],
          "constants" : [ { "id" : "00000000-0000-4000-8000-000000000002", "alias" : "b",
                            "type" : "int", "kind" : "VALUE", "value" : 41 } ],
          "steps" : [ {
            "id" : "00000000-0000-4000-8000-000000000010",
            "slug" : "math.add",
            "version" : 1,
            "inputs" : { "a" : "00000000-0000-4000-8000-000000000001",
                         "b" : "00000000-0000-4000-8000-000000000002" },
            "outputs" : [ { "name" : "out", "id" : "00000000-0000-4000-8000-000000000011",
                            "alias" : "add.out", "type" : "int", "kind" : "VALUE" } ]
          } ],
          "outputs" : [ "00000000-0000-4000-8000-000000000011" ]
        }
        """;
    Workflow read = Workflow.fromJson(json);
    assertThat(read.inputs().get(0).id()).hasToString("00000000-0000-4000-8000-000000000001");
    assertThat(read.constants().get(0).id()).hasToString("00000000-0000-4000-8000-000000000002");
    assertThat(read.steps().get(0).id()).hasToString("00000000-0000-4000-8000-000000000010");
    assertThat(read.outputs().get(0).id()).hasToString("00000000-0000-4000-8000-000000000011");
    Workflow again = Workflow.fromJson(read.toJson());
    assertThat(again).isEqualTo(read);
    assertThat(read.toJson()).contains("\"schemaVersion\" : 1")
        .contains("00000000-0000-4000-8000-000000000011");
    Cell<Integer> x = Cell.input("x", Integer.class);
    assertThat(Workflow.of("old", MathSteps.add(x, 41).out()).outputs().get(0).id())
        .as("code derives its own IDs; the file's stay as stored")
        .isNotEqualTo(read.outputs().get(0).id());
  }
}
