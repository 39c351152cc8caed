package dev.fancy.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.fancy.fixtures.MathSteps;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The published JSON Schema accepts what Fancy writes and rejects what it cannot read. */
class WorkflowSchemaTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonSchema schema() throws IOException {
    try (InputStream in = Workflow.class.getResourceAsStream("workflow.schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }

  @Test
  void everythingFancyWritesIsValid() throws IOException {
    Cell<Integer> x = Cell.input("x", Integer.class);
    var add = MathSteps.add(x, 1);
    var range = MathSteps.range(add.out());
    var shout = MathSteps.shout(Cell.input("text", String.class));
    shout.after(add);
    Composite.Group group = Composite.group(Map.of("n", add.out(), "s", shout.out()));
    add.options(StepOptions.DEFAULT.withRetry(RetryPolicy.exponential(3,
        java.time.Duration.ofMillis(5))).withTimeout(java.time.Duration.ofSeconds(1))
        .withCache(true).withFallback("math.add", 2));
    add.validate(add.out(), (OutputValidator<Integer>) value -> null);
    Cell<List<Integer>> mapped = Flow.map(range.out(), 2, item -> MathSteps.add(item, x).out());
    Cell<Integer> chosen = Flow.ifElse(Cell.input("flag", Boolean.class), () -> add.out(),
        () -> x);
    Workflow workflow = Workflow.of("all", range.out(), group.out(),
        Composite.ungroup(group.out()).member(add.out()), mapped, chosen);
    Set<ValidationMessage> errors = schema().validate(MAPPER.readTree(workflow.toJson()));
    assertThat(errors).isEmpty();
    try (InputStream in = getClass().getResourceAsStream("/workflows/sum.json")) {
      assertThat(schema().validate(MAPPER.readTree(in))).isEmpty();
    }
  }

  @Test
  void malformedDocumentsAreInvalid() throws IOException {
    String json = Workflow.of("w", MathSteps.add(Cell.input("x", Integer.class), 1).out()).toJson();
    JsonNode badSlug = MAPPER.readTree(json.replace("math.add", "Math Add"));
    JsonNode badVersion = MAPPER.readTree(json.replace("\"version\" : 1", "\"version\" : 0"));
    JsonNode badKind = MAPPER.readTree(json.replace("\"kind\" : \"VALUE\"", "\"kind\" : \"BLOB\""));
    JsonNode newer = MAPPER.readTree(json.replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 2"));
    for (JsonNode document : List.of(badSlug, badVersion, badKind, newer)) {
      assertThat(schema().validate(document)).isNotEmpty();
    }
  }
}
