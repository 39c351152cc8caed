package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.fixtures.LogCapture;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.event.Level;

/**
 * Every kind of bad request gets an RFC 9457 problem with the right status, type and JSON
 * pointer, and leaves every table of the journal's file unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  TestServer t;
  String workflowId;
  String inputWorkflowId;
  String runId;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    t = new TestServer(dir, ServerOptions.DEFAULT.withPort(0).withMaxBodyBytes(64 * 1024));
    workflowId = t.createWorkflow(TestServer.TRACKER_EXAMPLE);
    runId = t.startRun(workflowId);
    t.awaitFinished(runId);
    inputWorkflowId = t.createWorkflow(TYPED_WORKFLOW);
  }

  /** A Fancy workflow with a typed input, {@code {"spec": TaskSpec}}, and output task.out. */
  static final String TYPED_WORKFLOW = """
        {"schemaVersion": 1, "name": "typed",
         "inputs": [{"id": "00000000-0000-0000-0000-000000000001", "alias": "spec",
                     "type": "dev.fancy.server.tracker.TaskSpec", "kind": "VALUE"}],
         "constants": [],
         "steps": [{"id": "00000000-0000-0000-0000-000000000010", "slug": "tracker.task",
                    "version": 1, "inputs": {"spec": "00000000-0000-0000-0000-000000000001"},
                    "outputs": [{"name": "out", "id": "00000000-0000-0000-0000-000000000011",
                                 "alias": "task.out", "type": "java.lang.String",
                                 "kind": "VALUE"}]}],
         "outputs": ["00000000-0000-0000-0000-000000000011"]}
        """;

  @AfterAll
  void stop() {
    t.close();
  }

  static String step(String id, String config, String dependsOn) {
    return "{\"id\": \"" + id + "\", \"type\": \"task\", \"config\": " + config
        + ", \"depends_on\": " + dependsOn + "}";
  }

  static String workflow(String... steps) {
    return "{\"name\": \"bad\", \"steps\": [" + String.join(", ", steps) + "]}";
  }

  static Stream<Arguments> badWorkflows() {
    String ok = step("a", "{}", "[]");
    return Stream.of(
        Arguments.of("malformed JSON", "{\"name\": \"x\", \"steps\": [", 400, "malformed-json",
            ""),
        Arguments.of("empty body", "", 400, "malformed-json", ""),
        Arguments.of("duplicate key", "{\"name\": \"a\", \"name\": \"b\", \"steps\": []}", 400,
            "malformed-json", ""),
        Arguments.of("not an object", "[1, 2]", 422, "invalid-workflow", ""),
        Arguments.of("unknown top-level field",
            "{\"name\": \"x\", \"stepz\": [], \"steps\": [" + ok + "]}", 422, "invalid-workflow",
            "/stepz"),
        Arguments.of("unknown step field", workflow("{\"id\": \"a\", \"typo\": 1}"), 422,
            "invalid-workflow", "/steps/0/typo"),
        Arguments.of("unknown config field", workflow(step("a", "{\"sleep\": 1}", "[]")), 422,
            "invalid-workflow", "/steps/0/config/sleep"),
        Arguments.of("name of wrong type", "{\"name\": 5, \"steps\": [" + ok + "]}", 422,
            "invalid-workflow", "/name"),
        Arguments.of("missing name", "{\"steps\": [" + ok + "]}", 422, "invalid-workflow",
            "/name"),
        Arguments.of("steps not an array", "{\"name\": \"x\", \"steps\": {}}", 422,
            "invalid-workflow", "/steps"),
        Arguments.of("empty steps", workflow(), 422, "invalid-workflow", "/steps"),
        Arguments.of("duration of wrong type",
            workflow(step("a", "{\"duration_seconds\": \"1\"}", "[]")), 422, "invalid-workflow",
            "/steps/0/config/duration_seconds"),
        Arguments.of("negative duration",
            workflow(step("a", "{\"duration_seconds\": -0.5}", "[]")), 422, "invalid-workflow",
            "/steps/0/config/duration_seconds"),
        Arguments.of("fail_probability above 1",
            workflow(step("a", "{\"fail_probability\": 1.5}", "[]")), 422, "invalid-workflow",
            "/steps/0/config/fail_probability"),
        Arguments.of("fail_probability below 0",
            workflow(step("a", "{\"fail_probability\": -0.1}", "[]")), 422, "invalid-workflow",
            "/steps/0/config/fail_probability"),
        Arguments.of("negative max_retries",
            workflow(step("a", "{\"max_retries\": -1}", "[]")), 422, "invalid-workflow",
            "/steps/0/config/max_retries"),
        Arguments.of("fractional max_retries",
            workflow(step("a", "{\"max_retries\": 1.5}", "[]")), 422, "invalid-workflow",
            "/steps/0/config/max_retries"),
        Arguments.of("duplicate step ids", workflow(ok, step("a", "{}", "[]")), 422,
            "invalid-workflow", "/steps/1/id"),
        Arguments.of("depends_on a missing step", workflow(ok, step("b", "{}", "[\"zz\"]")),
            422, "invalid-workflow", "/steps/1/depends_on/0"),
        Arguments.of("depends_on of wrong type", workflow(ok, step("b", "{}", "\"a\"")), 422,
            "invalid-workflow", "/steps/1/depends_on"),
        Arguments.of("a cycle", workflow(step("a", "{}", "[\"c\"]"), step("b", "{}", "[\"a\"]"),
            step("c", "{}", "[\"b\"]")), 422, "invalid-workflow", "/steps/1/depends_on/0"),
        Arguments.of("a self-dependency", workflow(step("a", "{}", "[\"a\"]")), 422,
            "invalid-workflow", "/steps/0/depends_on/0"),
        Arguments.of("wrong step type", workflow("{\"id\": \"a\", \"type\": \"shell\"}"), 422,
            "invalid-workflow", "/steps/0/type"),
        Arguments.of("unknown slug in Fancy JSON", """
            {"schemaVersion": 1, "name": "x", "inputs": [], "constants": [],
             "steps": [{"id": "00000000-0000-0000-0000-000000000010", "slug": "no.such_step",
                        "version": 1, "inputs": {}, "outputs": []}],
             "outputs": []}
            """, 422, "unknown-step", "/steps/0/slug"),
        Arguments.of("invalid Fancy JSON", "{\"schemaVersion\": 1, \"name\": \"x\"}", 422,
            "invalid-workflow", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badWorkflows")
  void badWorkflowIsRejectedAndNothingIsWritten(String name, String body, int status,
      String type, String pointer) throws Exception {
    String before = t.snapshot();
    HttpResponse<String> response = t.post("/workflows", body);
    assertProblem(response, status, type, pointer);
    assertThat(t.snapshot()).isEqualTo(before);
  }

  static Stream<Arguments> badRuns() {
    return Stream.of(
        Arguments.of("inputs of the wrong type",
            "{\"spec\": {\"id\": \"x\", \"action\": \"a\", \"durationSeconds\": \"slow\", "
                + "\"failProbability\": 0}}", 422, "invalid-inputs", "/spec"),
        Arguments.of("a missing input", "{}", 422, "invalid-inputs", "/spec"),
        Arguments.of("an unknown input", "{\"spec\": {\"id\": \"x\", \"action\": \"a\", "
            + "\"durationSeconds\": 0, \"failProbability\": 0}, \"other\": 1}", 422,
            "invalid-inputs", "/other"),
        Arguments.of("inputs not an object", "[1]", 422, "invalid-inputs", ""),
        Arguments.of("malformed inputs", "{\"spec\": ", 400, "malformed-json", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRuns")
  void badRunInputsAreRejectedAndNothingIsWritten(String name, String body, int status,
      String type, String pointer) throws Exception {
    String before = t.snapshot();
    HttpResponse<String> response = t.post("/workflows/" + inputWorkflowId + "/runs", body);
    assertProblem(response, status, type, pointer);
    assertThat(t.snapshot()).isEqualTo(before);
  }

  @Test
  void badOrdersAreRejectedAndNothingIsWritten() throws Exception {
    String before = t.snapshot();
    assertProblem(t.post("/orders", "{\"customer\": \"Ada\", \"sku\": \"S\", "
        + "\"quantity\": 0}"), 422, "invalid-order", "/quantity");
    assertProblem(t.post("/orders", "{\"customer\": \"\", \"sku\": \"S\", "
        + "\"quantity\": 1}"), 422, "invalid-order", "/customer");
    assertProblem(t.post("/orders", "{\"customer\": \"Ada\", \"sku\": \"S\", "
        + "\"quantity\": 1, \"price\": 0}"), 422, "invalid-order", "/price");
    assertProblem(t.post("/orders", "{\"customer\": "), 400, "malformed-json", "");
    assertProblem(t.get("/orders/O-NOPE"), 404, "not-found", null);
    assertThat(t.snapshot()).isEqualTo(before);
  }

  @Test
  void unknownIdsAre404() throws Exception {
    String before = t.snapshot();
    assertProblem(t.get("/workflows/nope"), 404, "not-found", null);
    assertProblem(t.post("/workflows/nope/runs", null), 404, "not-found", null);
    assertProblem(t.get("/runs/00000000-0000-0000-0000-000000000000"), 404, "not-found", null);
    assertProblem(t.get("/runs/not-a-uuid"), 404, "not-found", null);
    HttpResponse<String> noStep = t.get("/runs/" + runId + "/steps/nope/attempts");
    assertProblem(noStep, 404, "not-found", null);
    assertThat(TestServer.json(noStep).get("hint").asText()).as("points at the run's steps")
        .contains("GET /runs/" + runId).doesNotContain("GET /steps");
    assertProblem(t.post("/runs/00000000-0000-0000-0000-000000000000/cancel", null), 404,
        "not-found", null);
    assertProblem(t.get("/no/such/route"), 404, "not-found", null);
    assertThat(t.snapshot()).isEqualTo(before);
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    String before = t.snapshot();
    String big = workflow(step("a", "{\"action\": \"" + "x".repeat(70 * 1024) + "\"}", "[]"));
    try (LogCapture logs = LogCapture.of("io.javalin.Javalin")) {
      assertProblem(t.post("/workflows", big), 413, "body-too-large", null);
      logs.awaitLogged(Level.WARN, "Body size greater than max size (65536 bytes)",
          LogCapture.PATIENCE);
    }
    assertThat(t.snapshot()).isEqualTo(before);
  }

  @Test
  void badQueryParametersAre400() throws Exception {
    assertProblem(t.get("/runs?limit=0"), 400, "invalid-parameter", null);
    assertProblem(t.get("/runs?limit=ten"), 400, "invalid-parameter", null);
    assertProblem(t.get("/runs?status=DONE"), 400, "invalid-parameter", null);
    assertProblem(t.get("/runs?cursor=not-a-cursor"), 400, "invalid-parameter", null);
    assertProblem(t.get("/runs/" + runId + "/events", "Last-Event-ID", "x"), 400,
        "invalid-parameter", null);
  }

  @Test
  void aWrongMethodIs405() throws Exception {
    String before = t.snapshot();
    assertProblem(t.send("DELETE", "/workflows", null), 405, "method-not-allowed", null);
    assertProblem(t.send("PUT", "/runs/" + runId, "{}"), 405, "method-not-allowed", null);
    assertProblem(t.get("/runs/" + runId + "/cancel"), 405, "method-not-allowed", null);
    assertThat(t.snapshot()).isEqualTo(before);
  }

  @Test
  void outputNamesNeverReachTheFileSystem() throws Exception {
    // Symbolic links next to the journal, named like outputs could be: to the journal itself
    // and to a file outside it. No output name is ever a path, so they are never followed.
    Path folder = t.journalFile.toAbsolutePath().getParent();
    Path secret = Files.writeString(folder.resolve("secret.txt"), "root:x:0:0 SECRET");
    Files.createSymbolicLink(folder.resolve("linked-journal"), t.journalFile.toAbsolutePath());
    Files.createSymbolicLink(folder.resolve("linked-secret"), secret);
    Files.createSymbolicLink(folder.resolve("load.json"), secret);
    for (String name : new String[] {"..", "..%2F..%2Fjournal.db", "%2Fetc%2Fpasswd",
        "..%5C..%5Cjournal.db", "journal.db", "%2E%2E", "load%00", "~", "linked-journal",
        "linked-secret", "load.json", "..%2Flinked-secret", "%2E%2E%2Flinked-journal",
        URLEncoder.encode(folder.resolve("linked-secret").toString(), StandardCharsets.UTF_8),
        "load%2F..%2F..%2Flinked-secret"}) {
      HttpResponse<String> response = t.get("/runs/" + runId + "/outputs/" + name);
      assertThat(response.statusCode()).as(name).isIn(400, 404);
      assertThat(response.body()).as(name).doesNotContain("root:").doesNotContain("SQLite")
          .doesNotContain("SECRET");
    }
    assertThat(t.get("/runs/" + runId + "/outputs/load").statusCode()).isEqualTo(200);
  }

  static void assertProblem(HttpResponse<String> response, int status, String type,
      String pointer) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode problem = TestServer.json(response);
    assertThat(problem.get("type").asText()).isEqualTo(ApiProblem.TYPE_BASE + type);
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asText()).isNotBlank();
    assertThat(response.body()).doesNotContain("\tat ").doesNotContain("Exception:");
    assertThat(problem.path("hint").asText()).as("hint of " + response.body()).isNotBlank();
    if (status == 422) {
      assertThat(problem.get("pointer")).as("a 422 points at the offending value: "
          + response.body()).isNotNull();
    }
    if (pointer != null) {
      assertThat(problem.get("pointer")).as(response.body()).isNotNull();
      assertThat(problem.get("pointer").asText()).isEqualTo(pointer);
    }
  }
}
