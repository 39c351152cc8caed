package dev.fancy.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.MathSteps.AddStep;
import dev.fancy.fixtures.MathSteps;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowJsonTest {

  static String resource(String name) throws IOException {
    try (InputStream in = WorkflowJsonTest.class.getResourceAsStream("/workflows/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void decimalConstantsRoundTripExactlyAndEqual() {
    Cell<java.math.BigDecimal> price = Cell.constant(new java.math.BigDecimal("2"));
    Cell<java.math.BigDecimal> rate = Cell.constant(new java.math.BigDecimal(
        "0.10000000000000000000000000000001"));
    Cell<String> text = Cell.input("text", String.class);
    Workflow workflow = Workflow.of("prices", MathSteps.shout(text).out(), price, rate);

    Workflow back = Workflow.fromJson(workflow.toJson());

    assertThat(back).isEqualTo(workflow);
    assertThat(back.toJson()).isEqualTo(workflow.toJson());
    assertThat(back.constants().get(1).constantValue().decimalValue())
        .isEqualByComparingTo("0.10000000000000000000000000000001");
  }

  @Test
  void roundTripIsLossless() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    AddStep a = MathSteps.add(x, 1);
    AddStep b = MathSteps.add(a.out(), x);
    var range = MathSteps.range(b.out());
    var shout = MathSteps.shout(Cell.input("text", String.class));
    shout.after(a);
    Composite.Group group = Composite.group(Map.of("sum", b.out(), "loud", shout.out()));
    Composite.Ungroup parts = Composite.ungroup(group.out());
    Workflow workflow = Workflow.of("everything", range.out(), parts.member(b.out()), shout);

    String json = workflow.toJson();
    Workflow back = Workflow.fromJson(json);

    assertThat(back).isEqualTo(workflow);
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(back.steps()).extracting(WorkflowStep::slug).containsExactlyElementsOf(
        workflow.steps().stream().map(WorkflowStep::slug).toList());
    assertThat(json).contains("\"schemaVersion\" : 1", "\"kind\" : \"REFERENCE\"",
        "\"kind\" : \"COMPOSITE\"", "\"after\"");
  }

  @Test
  void readsHandWrittenJson() throws IOException {
    Workflow workflow = Workflow.fromJson(resource("sum.json"));
    assertThat(workflow.name()).isEqualTo("sum");
    assertThat(workflow.steps()).singleElement().extracting(WorkflowStep::slug)
        .isEqualTo("math.add");
    assertThat(workflow.constants()).singleElement()
        .satisfies(c -> assertThat(c.constantValue().intValue()).isEqualTo(41));
  }

  @Test
  void stepsListedOutOfOrderAreSortedTopologically() {
    String json = """
        {"schemaVersion": 1, "name": "w",
         "inputs": [{"id": "00000000-0000-4000-8000-000000000001", "alias": "x", "type": "int", "kind": "VALUE"}],
         "constants": [],
         "steps": [
           {"id": "00000000-0000-4000-8000-000000000020", "slug": "math.add", "version": 1,
            "inputs": {"a": "00000000-0000-4000-8000-000000000011", "b": "00000000-0000-4000-8000-000000000001"},
            "outputs": [{"name": "out", "id": "00000000-0000-4000-8000-000000000021", "alias": "second", "type": "int", "kind": "VALUE"}]},
           {"id": "00000000-0000-4000-8000-000000000010", "slug": "math.add", "version": 1,
            "inputs": {"a": "00000000-0000-4000-8000-000000000001", "b": "00000000-0000-4000-8000-000000000001"},
            "outputs": [{"name": "out", "id": "00000000-0000-4000-8000-000000000011", "alias": "first", "type": "int", "kind": "VALUE"}]}
         ],
         "outputs": ["00000000-0000-4000-8000-000000000021"]}
        """;
    Workflow workflow = Workflow.fromJson(json);
    assertThat(workflow.steps()).extracting(s -> s.outputCells().get(0).alias())
        .containsExactly("first", "second");
  }

  @Test
  void malformedJsonSaysWhere() {
    assertThatThrownBy(() -> Workflow.fromJson("{\"schemaVersion\": 1,\n \"name\": }"))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("it is not valid workflow JSON at line 2");
  }

  @Test
  void duplicateKeysAndUnknownFieldsAreRejected() {
    assertThatThrownBy(() -> Workflow.fromJson("{\"name\": \"a\", \"name\": \"b\"}"))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("Duplicate field 'name'");
    assertThatThrownBy(() -> Workflow.fromJson("{\"schemaVersion\": 1, \"nmae\": \"typo\"}"))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("nmae");
  }

  @Test
  void newerSchemaVersionsAskForAnUpgrade() throws IOException {
    String json = resource("sum.json").replace("\"schemaVersion\": 1", "\"schemaVersion\": 7");
    assertThatThrownBy(() -> Workflow.fromJson(json))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("schemaVersion 7 is not supported; this Fancy reads schemaVersion 1 "
            + "(upgrade Fancy to read newer workflows)");
  }

  @Test
  void duplicateIdsAreRejected() throws IOException {
    String json = resource("sum.json")
        .replace("00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000001");
    assertThatThrownBy(() -> Workflow.fromJson(json))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("reuses ID 00000000-0000-4000-8000-000000000001; every cell and "
            + "step needs its own ID");
  }

  @Test
  void danglingReferencesNameTheStepAndCell() throws IOException {
    String json = resource("sum.json").replace(
        "\"b\": \"00000000-0000-4000-8000-000000000002\"",
        "\"b\": \"00000000-0000-4000-8000-0000000000ff\"");
    assertThatThrownBy(() -> Workflow.fromJson(json))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("step 'math.add' (00000000-0000-4000-8000-000000000010) input 'b' "
            + "refers to cell 00000000-0000-4000-8000-0000000000ff, which is no input, constant "
            + "or step output of this workflow");
  }

  @Test
  void cyclesAreRejected() {
    String json = """
        {"schemaVersion": 1, "name": "loop", "inputs": [], "constants": [],
         "steps": [
           {"id": "00000000-0000-4000-8000-000000000010", "slug": "math.add", "version": 1,
            "inputs": {"a": "00000000-0000-4000-8000-000000000021", "b": "00000000-0000-4000-8000-000000000021"},
            "outputs": [{"name": "out", "id": "00000000-0000-4000-8000-000000000011", "alias": "one", "type": "int", "kind": "VALUE"}]},
           {"id": "00000000-0000-4000-8000-000000000020", "slug": "math.add", "version": 1,
            "inputs": {"a": "00000000-0000-4000-8000-000000000011", "b": "00000000-0000-4000-8000-000000000011"},
            "outputs": [{"name": "out", "id": "00000000-0000-4000-8000-000000000021", "alias": "two", "type": "int", "kind": "VALUE"}]}
         ],
         "outputs": ["00000000-0000-4000-8000-000000000021"]}
        """;
    assertThatThrownBy(() -> Workflow.fromJson(json))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("steps form a cycle")
        .hasMessageContaining("a step cannot depend on its own outputs");
  }

  @Test
  void unusedInputsAndMissingFieldsAreReported() throws IOException {
    String unused = resource("sum.json").replace("\"inputs\": [\n",
        "\"inputs\": [\n    {\"id\": \"00000000-0000-4000-8000-000000000099\", \"alias\": \"y\", "
            + "\"type\": \"int\", \"kind\": \"VALUE\"},\n");
    assertThatThrownBy(() -> Workflow.fromJson(unused))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("input 'y' (00000000-0000-4000-8000-000000000099) is used by no step");
    String noValue = resource("sum.json").replace(", \"value\": 41", "");
    assertThatThrownBy(() -> Workflow.fromJson(noValue))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("constants entry 'b' has no 'value'");
  }
}
