package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowElement;
import dev.fancy.workflow.WorkflowValidationException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nulls (docs/semantics.md, "Nulls"): a reference-typed input may be null; a null where no null
 * can go is a clear error naming the input, step or argument and saying how to fix it, never a
 * bare {@code NullPointerException} from inside the engine.
 */
class NullInputsTest {

  @TempDir
  Path dir;

  private final Cell<Integer> boxed = Cell.input("x", Integer.class);
  private final Cell<String> text = Cell.input("text", String.class);
  private final Cell<List<Integer>> numbers = Cell.input("numbers", MathSteps.INT_LIST);
  private final Cell<List<String>> texts =
      Cell.input("texts", ValueType.of(List.class, "java.util.List<java.lang.String>"));
  private final Cell<Set<String>> routes =
      Cell.input("routes", ValueType.of(Set.class, "java.util.Set<java.lang.String>"));

  private final StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module())
      .register(new StepDefinition("test.echo", 1, "", Call.unary(MathSteps.STRING),
          (frame, args) -> new Object[] {args[0] == null ? "was null" : args[0]}));

  private Call<String> echo(Cell<String> input) {
    return new Call<>("test.echo", Call.unary(MathSteps.STRING), input);
  }

  private void onBothEngines(java.util.function.Consumer<WorkflowEngine> check) {
    try (Engine engine = Engine.builder().registry(registry).build()) {
      check.accept(engine);
    }
    try (Journal journal = Journal.open(dir.resolve("journal-" + System.nanoTime() + ".db"));
        DurableEngine engine = DurableEngine.builder(journal).registry(registry).open()) {
      check.accept(engine);
    }
  }

  @Test
  void aReferenceTypedInputMayBeNullAndTheStepReceivesIt() {
    Call<String> step = echo(text);
    Workflow workflow = Workflow.of("echo", step.out());
    onBothEngines(engine -> {
      RunResult result = engine.run(workflow, Inputs.of(text, null));
      assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(result.get(step.out())).isEqualTo("was null");
      assertThat(result.get(text)).isNull();
    });
  }

  @Test
  void aNullReadByAPrimitivePortIsRejectedNamingTheInputAndTheFix() {
    Workflow workflow = Workflow.of("add", MathSteps.add(boxed, 1).out());
    onBothEngines(engine -> assertThatThrownBy(() -> engine.run(workflow, Inputs.of(boxed, null)))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("workflow input 'x' is null")
        .hasMessageContaining("step 'math.add' reads it as int")
        .hasMessageContaining("java.lang.Integer"));
  }

  @Test
  void aMapOverNullElementsPassesThemToReferencePortsAndNamesTheElementForPrimitiveOnes() {
    Cell<List<String>> echoed = Flow.map(texts, 2, item -> echo(item).out());
    Cell<List<Integer>> added = Flow.map(numbers, 2, item -> MathSteps.add(item, 1).out());
    Workflow strings = Workflow.of("strings", echoed);
    Workflow ints = Workflow.of("ints", added);
    onBothEngines(engine -> {
      RunResult ok = engine.run(strings, Inputs.of(texts, Arrays.asList("a", null)));
      assertThat(ok.get(echoed)).containsExactly("a", "was null");

      RunResult failed = engine.run(ints, Inputs.of(numbers, Arrays.asList(1, null, 3)));
      assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
      assertThat(failed.history().get(0).error().message())
          .contains("1 of 3 elements")
          .contains("item", "is null", "reads it as int", "java.lang.Integer");
    });
  }

  @Test
  void aNullListOfMapItemsOrRoutesFailsItsStepNamingTheCellAndTheFix() {
    Workflow map = Workflow.of("map", Flow.map(numbers, 2, item -> MathSteps.add(item, 1).out()));
    Workflow router = Workflow.of("router", Flow.route(routes)
        .when("a", () -> MathSteps.add(boxed, 1).out()).end());
    onBothEngines(engine -> {
      RunResult result = engine.run(map, Inputs.of(numbers, null));
      assertThat(result.status()).isEqualTo(RunStatus.FAILED);
      assertThat(result.history().get(0).error().type())
          .isEqualTo(IllegalArgumentException.class.getName());
      assertThat(result.history().get(0).error().message())
          .contains("the list 'numbers' the map runs over is null")
          .contains("an empty list");

      RunResult routed = engine.run(router, Inputs.of(routes, null).and(boxed, 1));
      assertThat(routed.history().get(0).error().type())
          .isEqualTo(IllegalArgumentException.class.getName());
      assertThat(routed.history().get(0).error().message())
          .contains("the routes 'routes' are null")
          .contains("an empty collection");
    });
  }

  @Test
  void nullArgumentsToTheEngineSayWhatToPassInstead() {
    Workflow workflow = Workflow.of("add", MathSteps.add(boxed, 1).out());
    onBothEngines(engine -> {
      assertThatThrownBy(() -> engine.run(workflow, null))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("inputs == null").hasMessageContaining("Inputs.none()");
      assertThatThrownBy(() -> engine.start(workflow, Inputs.of(boxed, 1), null))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("options == null").hasMessageContaining("RunOptions.DEFAULT");
      assertThatThrownBy(() -> engine.start(null, Inputs.none()))
          .isInstanceOf(NullPointerException.class).hasMessage("workflow == null");
      assertThatThrownBy(() -> engine.handle(null))
          .isInstanceOf(NullPointerException.class).hasMessage("runId == null");
    });
    assertThatThrownBy(() -> Inputs.of(boxed, 1).get(null))
        .isInstanceOf(NullPointerException.class).hasMessage("input == null");
  }

  @Test
  void nullRootsOfAWorkflowOrBranchesOfAParallelGroupAreNamed() {
    Cell<Integer> one = MathSteps.add(boxed, 1).out();
    assertThatThrownBy(() -> Workflow.of("w", (WorkflowElement[]) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("the roots of workflow 'w' are null");
    assertThatThrownBy(() -> Workflow.of("w", (List<WorkflowElement>) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("the roots of workflow 'w' are null");
    assertThatThrownBy(() -> Workflow.of("w", Arrays.asList(one, null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("root 1 of workflow 'w' is null");
    assertThatThrownBy(() -> Flow.parallel(2, (List<Supplier<Cell<Integer>>>) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("branches == null");
    assertThatThrownBy(() -> Flow.<Integer>parallel(2,
        Arrays.<Supplier<Cell<Integer>>>asList(() -> MathSteps.add(boxed, 1).out(), null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("branch 1 of a parallel group is null");
  }

  @Test
  void nullRunOptionsSayWhatLeavingThemUnsetMeans() {
    RunOptions.Builder builder = RunOptions.builder();
    assertThatThrownBy(() -> builder.runId(null)).hasMessageContaining("leave it unset");
    assertThatThrownBy(() -> builder.deadline(null)).hasMessageContaining("leave it unset");
    assertThatThrownBy(() -> builder.cancelGrace(null)).hasMessageContaining("Duration.ZERO");
    assertThatThrownBy(() -> builder.contextRule(null)).hasMessageContaining("leave it unset");
    assertThatThrownBy(() -> builder.context(null)).hasMessageContaining("leave it unset");
    assertThatThrownBy(() -> builder.limits(null)).hasMessageContaining("UsageLimits.NONE");
    assertThatThrownBy(() -> builder.label("team", null)).hasMessageContaining("label 'team'");
  }
}
