package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Workflow JSON is data from elsewhere: the type names in it must not choose code to run. */
class WorkflowTrustTest {

  private static final Contract DESCRIBE = Contract.of(
      List.of(Port.of("value", ValueType.of(Object.class))),
      List.of(Port.of("out", MathSteps.STRING)));

  private static StepRegistry registry() {
    return StepRegistry.empty().register(new StepDefinition("test.describe", 1, "", DESCRIBE,
        (frame, args) -> new Object[] {String.valueOf(args[0])}));
  }

  /** A workflow read from JSON whose input {@code thing} names {@code className}. */
  private static Workflow fromJsonNaming(String className) {
    Workflow workflow = Workflow.of("describe",
        new Call<String>("test.describe", DESCRIBE, Cell.input("thing", Object.class)).out());
    return Workflow.fromJson(workflow.toJson()
        .replace("\"type\" : \"java.lang.Object\"", "\"type\" : \"" + className + "\""));
  }

  @Test
  void aTypeNameFromJsonNeverRunsAStaticInitializerAndIsRefusedUnlessAllowed() {
    Workflow workflow = fromJsonNaming(Trap.class.getName());
    StepRegistry registry = registry();
    try (Engine engine = Engine.builder().registry(registry).build()) {
      assertThatThrownBy(() -> engine.validate(workflow))
          .isInstanceOf(WorkflowValidationException.class)
          .hasMessageContaining("input 'thing' has type dev.fancy.engine.Trap, which names "
              + "dev.fancy.engine.Trap: no registered step uses that class")
          .hasMessageContaining("StepRegistry.allowType(Trap.class)");
      assertThat(Trap.State.INITIALIZED).as("no static initializer ran").isFalse();

      registry.allowType(Trap.class);
      engine.validate(workflow);
      assertThat(Trap.State.INITIALIZED).isFalse();
    }
  }

  @Test
  void typesOfRegisteredContractsAndPlainJdkValuesNeedNoPermission() {
    try (Engine engine = Engine.builder().registry(registry()).build()) {
      engine.validate(fromJsonNaming("java.util.List<java.lang.String>"));
      engine.validate(fromJsonNaming("java.time.LocalDate"));
      engine.validate(fromJsonNaming("java.util.Map<java.lang.String,java.math.BigDecimal>"));
      assertThatThrownBy(() -> engine.validate(
          fromJsonNaming("java.util.List<javax.swing.JButton>")))
          .isInstanceOf(WorkflowValidationException.class)
          .hasMessageContaining("names javax.swing.JButton: no registered step uses that class");
    }
  }

  @Test
  void valueTypesListEveryClassTheyMention() {
    assertThat(ValueType.named("java.util.Map<java.lang.String,java.util.List<com.acme.Row>>")
        .classNames()).containsExactly("com.acme.Row", "java.lang.String", "java.util.List",
        "java.util.Map");
    assertThat(ValueType.named("[Lcom.acme.Row;").classNames()).containsExactly("com.acme.Row");
    assertThat(ValueType.named("[I").classNames()).isEmpty();
    assertThat(ValueType.named("double").classNames()).isEmpty();
  }
}
