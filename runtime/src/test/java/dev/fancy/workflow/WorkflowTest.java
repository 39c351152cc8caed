package dev.fancy.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.MathSteps.AddStep;
import dev.fancy.fixtures.MathSteps;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkflowTest {

  @Test
  void graphIsEveryStepTheOutputsNeedInTopologicalOrder() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep a = MathSteps.add(x, 1);
    AddStep b = MathSteps.add(x, 2);
    AddStep c = MathSteps.add(a.out(), b.out());
    AddStep unused = MathSteps.add(x, 3);
    Workflow workflow = Workflow.of("sum", c.out());
    assertThat(workflow.steps()).containsExactly(a, b, c).doesNotContain(unused);
    assertThat(workflow.inputs()).containsExactly(x);
    assertThat(workflow.constants()).hasSize(2);
    assertThat(workflow.outputs()).containsExactly(c.out());
    assertThat(c.out().alias()).isEqualTo("add.out");
  }

  @Test
  void terminalStepsAndOrderingEdgesAreIncluded() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep first = MathSteps.add(x, 1);
    AddStep second = MathSteps.add(x, 2);
    second.after(first);
    Workflow workflow = Workflow.of("ordered", second);
    assertThat(workflow.steps()).containsExactly(first, second);
  }

  @Test
  void aWorkflowOfStepsExposesTheirOutputs() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep first = MathSteps.add(x, 1);
    AddStep second = MathSteps.add(first.out(), 2);
    Workflow workflow = Workflow.of("steps", second);
    assertThat(workflow.outputs()).containsExactly(second.out());
    assertThat(Workflow.fromJson(workflow.toJson()).outputs()).hasSize(1);
    Workflow mixed = Workflow.of("mixed", first.out(), second);
    assertThat(mixed.outputs()).containsExactly(first.out(), second.out());
  }

  @Test
  void orderingCyclesAreRejectedNamingBothSteps() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep a = MathSteps.add(x, 1);
    AddStep b = MathSteps.add(x, 2);
    a.after(b);
    b.after(a);
    assertThatThrownBy(() -> Workflow.of("cyclic", a.out()))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("depend on each other through after(...)")
        .hasMessageContaining(a.id().toString())
        .hasMessageContaining(b.id().toString());
  }

  @Test
  void twoInputsWithOneNameAreRejected() {
    AddStep add = MathSteps.add(Cell.input("x", Integer.class), Cell.input("x", MathSteps.INT));
    assertThatThrownBy(() -> Workflow.of("dup", add.out()))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("two different input cells are named 'x'");
  }

  @Test
  void anInputMadeTwiceWithOneTypeIsOneInput() {
    AddStep add = MathSteps.add(Cell.input("x", Integer.class), Cell.input("x", Integer.class));
    Workflow workflow = Workflow.of("same", add.out());
    assertThat(workflow.inputs()).hasSize(1);
    assertThat(add.inputCells().get(0)).isEqualTo(add.inputCells().get(1));
  }

  @Test
  void blankNameAndNoOutputsAreRejectedTogether() {
    WorkflowValidationException e = org.junit.jupiter.api.Assertions.assertThrows(
        WorkflowValidationException.class, () -> Workflow.of(" "));
    assertThat(e.problems()).hasSize(2);
  }

  @Test
  void stepsOfABuiltWorkflowCannotGainOrderingEdges() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep a = MathSteps.add(x, 1);
    Workflow.of("w", a.out());
    assertThatThrownBy(() -> a.after(MathSteps.add(x, 2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("call after(...) before Workflow.of(...)");
  }

  @Test
  void constantsAreValidatedWhenCreated() {
    assertThatThrownBy(() -> Cell.constant("n", MathSteps.INT, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("constant 'n' must be a int but is null");
    Cell<Integer> x = Cell.input("x", Integer.class);
    assertThatThrownBy(() -> Cell.constant(x))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is a Cell");
  }

  @Test
  void wiringWithTheWrongNumberOfInputsOrNullIsRejected() {
    assertThatThrownBy(() -> MathSteps.add(null, Cell.input("b", Integer.class)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("input 'a' of step 'math.add' is null; pass a cell, or Arg.value(null) for a "
            + "null constant");
  }

  @Test
  void longChainsBuildWithoutOverflowingTheStack() {
    Cell<Integer> cell = Cell.input("x", Integer.class);
    for (int i = 0; i < 200_000; i++) {
      cell = MathSteps.add(cell, 1).out();
    }
    Workflow workflow = Workflow.of("chain", cell);
    assertThat(workflow.steps()).hasSize(200_000);
    assertThat(workflow.steps().get(199_999).outputCells()).containsExactly(cell);
  }
}
