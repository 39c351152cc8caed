package dev.fancy.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.engine.Engine;
import dev.fancy.fixtures.Bind;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepStatus;
import dev.fancy.value.ValueType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompositeTest {

  private final StepRegistry registry = StepRegistry.empty().register(new MathSteps.Module());

  @Test
  void aCompositeOverArraysIsAnOrderedImmutableMapEqualToItsCopy() {
    Object[] values = {1, null, "c"};
    CompositeValue composite = CompositeValue.of(java.util.List.of("b", "a", "c"), values);
    values[0] = 99;

    assertThat(composite.members()).containsExactly(
        Map.entry("b", 1), new java.util.AbstractMap.SimpleEntry<>("a", null), Map.entry("c", "c"));
    assertThat(composite.get("a")).isNull();
    assertThat(composite).isEqualTo(new CompositeValue(composite.members()))
        .hasSameHashCodeAs(new CompositeValue(composite.members()));
    assertThatThrownBy(() -> composite.get("d")).hasMessage(
        "composite has no member 'd'; members are [b, a, c]");
    assertThatThrownBy(() -> composite.members().put("d", 4))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> CompositeValue.of(java.util.List.of("a", "a"), new Object[2]))
        .hasMessage("member name 'a' repeats");
    assertThatThrownBy(() -> CompositeValue.of(java.util.List.of("a"), new Object[2]))
        .hasMessage("1 member names but 2 values");
  }

  @Test
  void groupsAndUngroupsTypedCells() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    var sum = MathSteps.add(x, 1);
    var loud = MathSteps.shout(Cell.input("text", String.class));
    Composite.Group group = Composite.group(Map.of("sum", sum.out(), "loud", loud.out()));
    Composite.Ungroup parts = Composite.ungroup(group.out());
    Cell<Integer> sumAgain = parts.member(sum.out());
    Cell<String> loudAgain = parts.member("loud", ValueType.of(String.class));
    var plus = MathSteps.add(sumAgain, 10);
    Workflow workflow = Workflow.of("bundle", plus.out(), loudAgain, group.out());

    try (Engine engine = Engine.builder().registry(registry).build()) {
      Workflow fromJson = Workflow.fromJson(workflow.toJson());
      for (Workflow w : new Workflow[] {workflow, fromJson}) {
        RunResult result = engine.run(w, Bind.inputs(w, Map.of("x", 1, "text", "hi")));
        assertThat(result.get(plus.out())).isEqualTo(12);
        assertThat(result.get(loudAgain)).isEqualTo("HI");
        assertThat(result.get(group.out()).members()).containsExactly(
            Map.entry("loud", "HI"), Map.entry("sum", 2));
      }
    }
    assertThat(group.out().kind()).isEqualTo(StorageKind.COMPOSITE);
  }

  @Test
  void misuseIsReportedClearly() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    var sum = MathSteps.add(x, 1);
    Composite.Group group = Composite.group(Map.of("sum", sum.out()));
    Composite.Ungroup parts = Composite.ungroup(group.out());
    assertThatThrownBy(() -> parts.member("sum", ValueType.of(String.class)))
        .hasMessage("member 'sum' is a int, not a java.lang.String");
    assertThatThrownBy(() -> parts.member(x))
        .hasMessageContaining("cell 'x' is not a member of composite");
    assertThatThrownBy(() -> Composite.ungroup(Cell.input("c", CompositeValue.class)))
        .hasMessageContaining("call ungroup(cell, members) with member names and types");
    assertThatThrownBy(() -> Composite.group(Map.of()))
        .hasMessage("a composite needs at least one member");
  }

  @Test
  void ungroupingAMissingMemberFailsTheStepOrTheValidation() {
    Cell<CompositeValue> input = Cell.input("bundle", CompositeValue.class);
    Composite.Ungroup parts = Composite.ungroup(input, Map.of("missing", MathSteps.INT));
    try (Engine engine = Engine.builder().registry(registry).build()) {
      RunResult result = engine.run(Workflow.of("u", parts.outputCell("missing")), Bind.inputs(Workflow.of("u", parts.outputCell("missing")), Map.of("bundle", new CompositeValue(Map.of("present", 1)))));
      assertThat(result.status()).isEqualTo(RunStatus.FAILED);
      assertThat(result.step(parts).status()).isEqualTo(StepStatus.FAILED);
      assertThat(result.step(parts).error().message())
          .isEqualTo("composite has no member 'missing'; members are [present]");

      Composite.Group group = Composite.group(Map.of("present", Cell.input("p", Integer.class)));
      Composite.Ungroup wrong = Composite.ungroup(group.out(), Map.of("absent", MathSteps.INT));
      assertThatThrownBy(() -> engine.validate(Workflow.of("g", wrong.outputCell("absent"))))
          .hasMessageContaining("takes member 'absent' but the composite only has [present]");
    }
  }
}
