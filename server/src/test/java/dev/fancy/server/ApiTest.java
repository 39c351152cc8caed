package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tracker's API over real HTTP against a server on a durable engine on a random port. */
class ApiTest {
  @TempDir Path dir;
  TestServer t;

  @BeforeEach
  void start() {
    t = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void createsWorkflowAndRunsItToSuccess() throws Exception {
    HttpResponse<String> created = t.post("/workflows", TestServer.TRACKER_EXAMPLE);
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    JsonNode workflow = TestServer.json(created);
    String id = workflow.get("id").asText();
    assertThat(created.headers().firstValue("Location")).hasValue("/workflows/" + id);
    assertThat(workflow.get("name").asText()).isEqualTo("etl");
    assertThat(workflow.get("steps").get(1).get("depends_on").get(0).asText()).isEqualTo("fetch");
    assertThat(workflow.get("steps").get(0).get("config").get("max_retries").asInt()).isEqualTo(3);
    assertThat(workflow.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    assertThat(TestServer.json(t.get("/workflows/" + id))).isEqualTo(workflow);
    assertThat(TestServer.json(t.get("/workflows")).get("workflows").get(0).get("id").asText())
        .isEqualTo(id);

    HttpResponse<String> started = t.post("/workflows/" + id + "/runs", null);
    assertThat(started.statusCode()).isEqualTo(202);
    JsonNode run = TestServer.json(started);
    String runId = run.get("id").asText();
    assertThat(started.headers().firstValue("Location")).hasValue("/runs/" + runId);
    assertThat(run.get("status").asText()).isIn("PENDING", "RUNNING");
    assertThat(run.get("workflow_id").asText()).isEqualTo(id);

    JsonNode done = t.awaitFinished(runId);
    assertThat(done.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(done.get("finished_at").isTextual()).isTrue();
    List<String> names = new ArrayList<>();
    for (JsonNode step : done.get("steps")) {
      names.add(step.get("id").asText());
      assertThat(step.get("status").asText()).isEqualTo("SUCCEEDED");
      assertThat(step.get("attempts").asInt()).isEqualTo(1);
      assertThat(step.get("output_preview").get("truncated").asBoolean()).isFalse();
      assertThat(step.get("output_preview").get("json").asText()).contains("done (attempt 1)");
    }
    assertThat(names).containsExactly("fetch", "transform", "load");

    JsonNode attempts = TestServer.json(t.get("/runs/" + runId + "/steps/fetch/attempts"));
    assertThat(attempts.get("attempts")).hasSize(1);
    assertThat(attempts.get("attempts").get(0).get("idempotency_key").asText())
        .startsWith(runId + ":");

    String metrics = t.get("/metrics").body();
    assertThat(metrics).contains("fancy_runs_finished_total{status=\"SUCCEEDED\"} 1.0")
        .contains("fancy_step_duration_seconds_count{slug=\"tracker.task\",status=\"SUCCEEDED\"} 3")
        .contains("fancy_journal_queue_depth ").contains("fancy_journal_transactions ");
    HttpResponse<String> output = t.get("/runs/" + runId + "/outputs/load");
    assertThat(output.statusCode()).isEqualTo(200);
    assertThat(output.body()).isEqualTo("\"load done (attempt 1)\"");
  }

  @Test
  void retriesFailedAttemptsAndShowsTheFailedStepsError() throws Exception {
    String id = t.createWorkflow("""
        {"name": "flaky", "steps": [
          {"id": "always", "type": "task", "config": {"fail_probability": 1, "max_retries": 2}},
          {"id": "after", "type": "task", "depends_on": ["always"]}]}
        """);
    String runId = t.startRun(id);
    JsonNode run = t.awaitFinished(runId);
    assertThat(run.get("status").asText()).isEqualTo("FAILED");
    JsonNode failed = run.get("steps").get(0);
    assertThat(failed.get("status").asText()).isEqualTo("FAILED");
    assertThat(failed.get("attempts").asInt()).isEqualTo(3);
    assertThat(failed.get("error").get("message").asText()).contains("simulated failure");
    assertThat(failed.get("error").has("stack")).isFalse();
    assertThat(run.get("steps").get(1).get("status").asText()).isEqualTo("SKIPPED");
    JsonNode attempts = TestServer.json(t.get("/runs/" + runId + "/steps/always/attempts"));
    Set<String> keys = new HashSet<>();
    attempts.get("attempts").forEach(a -> keys.add(a.get("idempotency_key").asText()));
    assertThat(keys).as("a fresh idempotency key per attempt").hasSize(3);
    assertThat(t.get("/runs/" + runId).body()).doesNotContain("\tat ");
  }

  @Test
  void idempotencyKeyReturnsTheSameRunAndRejectsAnotherBody() throws Exception {
    String id = t.createWorkflow(TestServer.TRACKER_EXAMPLE);
    HttpResponse<String> first = t.post("/workflows/" + id + "/runs", "{}",
        "Idempotency-Key", "order-17");
    HttpResponse<String> again = t.post("/workflows/" + id + "/runs", "{}",
        "Idempotency-Key", "order-17");
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(TestServer.json(again).get("id")).isEqualTo(TestServer.json(first).get("id"));
    t.awaitFinished(TestServer.json(first).get("id").asText());
    String before = t.snapshot();
    HttpResponse<String> other = t.post("/workflows/" + id + "/runs", "{\"x\": 1}",
        "Idempotency-Key", "order-17");
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(t.snapshot()).isEqualTo(before);
    assertThat(TestServer.json(t.get("/runs")).get("runs")).hasSize(1);
  }

  @Test
  void listsRunsNewestFirstWithFiltersAndCursorPages() throws Exception {
    String a = t.createWorkflow(TestServer.TRACKER_EXAMPLE);
    String b = t.createWorkflow(TestServer.TRACKER_EXAMPLE.replace("\"etl\"", "\"other\""));
    List<String> runsOfA = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      runsOfA.add(t.startRun(a));
    }
    String runOfB = t.startRun(b);
    for (String run : runsOfA) {
      t.awaitFinished(run);
    }
    t.awaitFinished(runOfB);

    List<String> seen = new ArrayList<>();
    List<String> created = new ArrayList<>();
    String next = "/runs?limit=2&workflow_id=" + a;
    int pages = 0;
    while (next != null) {
      JsonNode page = TestServer.json(t.get(next));
      page.get("runs").forEach(run -> {
        assertThat(run.get("workflow_id").asText()).isEqualTo(a);
        seen.add(run.get("id").asText());
        created.add(run.get("created_at").asText());
      });
      next = page.get("next").isNull() ? null : page.get("next").asText();
      pages++;
    }
    assertThat(pages).isEqualTo(3);
    // Newest first; runs created in the same millisecond are ordered by ID.
    assertThat(seen).containsExactlyInAnyOrderElementsOf(runsOfA).doesNotHaveDuplicates();
    assertThat(created.stream().map(java.time.Instant::parse).toList())
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());

    assertThat(TestServer.json(t.get("/runs?status=SUCCEEDED")).get("runs")).hasSize(6);
    assertThat(TestServer.json(t.get("/runs?status=FAILED")).get("runs")).isEmpty();
    assertThat(t.get("/runs?limit=501").statusCode()).isEqualTo(400);
    assertThat(t.get("/runs?status=DONE").statusCode()).isEqualTo(400);
  }

  @Test
  void cancelsARunningRunAndResumesIt() throws Exception {
    String id = t.createWorkflow("""
        {"name": "slow", "steps": [
          {"id": "quick", "type": "task"},
          {"id": "slow", "type": "task", "config": {"duration_seconds": 30},
           "depends_on": ["quick"]}]}
        """);
    String runId = t.startRun(id);
    t.awaitRun(runId, run -> run.get("steps").get(1).get("status").asText().equals("RUNNING"));
    HttpResponse<String> cancelled = t.post("/runs/" + runId + "/cancel", null);
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
    JsonNode run = t.awaitFinished(runId);
    assertThat(run.get("status").asText()).isEqualTo("CANCELLED");
    assertThat(run.get("steps").get(0).get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(t.post("/runs/" + runId + "/cancel", null).statusCode()).isEqualTo(409);

    HttpResponse<String> resumed = t.post("/runs/" + runId + "/resume", null);
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);
    t.awaitRun(runId, r -> r.get("status").asText().equals("RUNNING")
        && r.get("steps").get(1).get("status").asText().equals("RUNNING"));
    JsonNode attempts = TestServer.json(t.get("/runs/" + runId + "/steps/quick/attempts"));
    assertThat(attempts.get("attempts")).as("a committed step is not run again").hasSize(1);
    t.post("/runs/" + runId + "/cancel", null);
    t.awaitFinished(runId);
  }

  /** The value of the Prometheus sample {@code name} (with its labels), or 0 if absent. */
  static double sample(String metrics, String name) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).strip());
      }
    }
    return 0;
  }

  double sampleNow(String name) throws Exception {
    return sample(t.get("/metrics").body(), name);
  }

  /**
   * Polls {@code /metrics} until the sample {@code name} is {@code value}: a run's last event
   * reaches the listener just after the run's end is visible through the API.
   */
  void awaitSample(String name, double value) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (sampleNow(name) != value) {
      assertThat(System.nanoTime()).as(name + " = " + value + " in time; now "
          + sampleNow(name)).isLessThan(deadline);
      Thread.sleep(20); // polling interval; the deadline bounds the wait
    }
  }

  @Test
  void metricsCountEveryRunTheEngineExecutesAndTheRunsInEachStatusNow() throws Exception {
    String id = t.createWorkflow("""
        {"name": "slow", "steps": [
          {"id": "quick", "type": "task"},
          {"id": "slow", "type": "task", "config": {"duration_seconds": 30},
           "depends_on": ["quick"]}]}
        """);
    String running = "fancy_runs_current{status=\"RUNNING\"}";
    assertThat(sampleNow(running)).isEqualTo(0);
    assertThat(t.get("/metrics").body()).contains("fancy_runs_current{status=\"PENDING\"} 0.0");
    String runId = t.startRun(id);
    t.awaitRun(runId, run -> run.get("steps").get(1).get("status").asText().equals("RUNNING"));
    assertThat(sampleNow(running)).isEqualTo(1);
    t.post("/runs/" + runId + "/cancel", null);
    t.awaitFinished(runId);
    assertThat(sampleNow(running)).isEqualTo(0);
    awaitSample("fancy_runs_finished_total{status=\"CANCELLED\"}", 1);

    // A resumed run and an order never pass POST /workflows/{id}/runs; they count too.
    assertThat(t.post("/runs/" + runId + "/resume", null).statusCode()).isEqualTo(202);
    t.awaitRun(runId, r -> r.get("steps").get(1).get("status").asText().equals("RUNNING"));
    assertThat(sampleNow(running)).isEqualTo(1);
    t.post("/runs/" + runId + "/cancel", null);
    t.awaitFinished(runId);
    String order = TestServer.json(t.post("/orders",
        "{\"customer\": \"Ada\", \"sku\": \"SKU-1\", \"quantity\": 1}")).get("run_id")
        .asText();
    t.awaitFinished(order);
    awaitSample("fancy_runs_finished_total{status=\"SUCCEEDED\"}", 1);
    awaitSample("fancy_runs_finished_total{status=\"CANCELLED\"}", 2);
    String metrics = t.get("/metrics").body();
    assertThat(sample(metrics, "fancy_runs_started_total")).isEqualTo(3);
    assertThat(sample(metrics, "fancy_runs_finished_total{status=\"CANCELLED\"}")).isEqualTo(2);
    assertThat(sample(metrics, running)).isEqualTo(0);
    assertThat(metrics).contains("fancy_step_duration_seconds_count{slug=\"orders.notify\","
        + "status=\"SUCCEEDED\"} 1");
  }

  @Test
  void deletesAFinishedRunButNotARunningOneOrAnUnknownOne() throws Exception {
    String id = t.createWorkflow("""
        {"name": "slow", "steps": [
          {"id": "quick", "type": "task"},
          {"id": "slow", "type": "task", "config": {"duration_seconds": 30},
           "depends_on": ["quick"]}]}
        """);
    String runId = t.startRun(id);
    t.awaitRun(runId, run -> run.get("steps").get(1).get("status").asText().equals("RUNNING"));
    // The attempt's row commits before its event (events ride along with a later commit, within
    // 50 ms): the snapshot waits for the 4 events so far (run and quick started, quick
    // succeeded, slow started), so that only the DELETE could change it.
    t.awaitRun(runId, run -> {
      try {
        return t.count("SELECT COUNT(*) FROM events WHERE run_id = '" + runId + "'") == 4;
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    String before = t.snapshot();
    HttpResponse<String> refused = t.send("DELETE", "/runs/" + runId, null);
    BadInputTest.assertProblem(refused, 409, "run-not-finished", null);
    assertThat(TestServer.json(refused).get("detail").asText()).contains("RUNNING");
    assertThat(t.snapshot()).as("a refused delete changes nothing").isEqualTo(before);

    t.post("/runs/" + runId + "/cancel", null);
    t.awaitFinished(runId);
    HttpResponse<String> deleted = t.send("DELETE", "/runs/" + runId, null);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);

    BadInputTest.assertProblem(t.get("/runs/" + runId), 404, "not-found", null);
    assertThat(TestServer.json(t.get("/runs")).get("runs").findValuesAsText("id"))
        .doesNotContain(runId);
    for (String table : List.of("runs WHERE id", "steps WHERE run_id",
        "attempts WHERE run_id", "events WHERE run_id")) {
      assertThat(t.count("SELECT COUNT(*) FROM " + table + " = '" + runId + "'")).as(table)
          .isZero();
    }
    BadInputTest.assertProblem(t.send("DELETE", "/runs/" + runId, null), 404, "not-found",
        null);
    BadInputTest.assertProblem(t.send("DELETE", "/runs/not-a-run", null), 404, "not-found",
        null);
  }

  @Test
  void listsRegisteredStepsWithJsonSchemas() throws Exception {
    JsonNode steps = TestServer.json(t.get("/steps")).get("steps");
    JsonNode task = null;
    for (JsonNode step : steps) {
      if (step.get("slug").asText().equals("tracker.task")) {
        task = step;
      }
    }
    assertThat(task).isNotNull();
    assertThat(task.get("version").asInt()).isEqualTo(1);
    JsonNode spec = task.get("inputs").get(0);
    assertThat(spec.get("name").asText()).isEqualTo("spec");
    assertThat(spec.get("schema").get("properties").has("failProbability")).isTrue();
    assertThat(task.get("outputs").get(0).get("schema").get("type").asText())
        .isEqualTo("string");
  }

  @Test
  void acceptsFancyWorkflowJsonOverRegisteredSteps() throws Exception {
    String fancy = new dev.fancy.server.tracker.TrackerDefinition("from-json", List.of(
        new dev.fancy.server.tracker.TrackerDefinition.TaskStepDefinition("only", "task", "go",
            0, 0, 0, List.of()))).toWorkflow().toJson();
    HttpResponse<String> created = t.post("/workflows", fancy);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode workflow = TestServer.json(created);
    assertThat(workflow.get("shape").asText()).isEqualTo("fancy");
    String runId = t.startRun(workflow.get("id").asText());
    assertThat(t.awaitFinished(runId).get("status").asText()).isEqualTo("SUCCEEDED");
  }

  @Test
  void eachStepListsTheNamesItsOutputsAreDownloadedBy() throws Exception {
    String id = t.createWorkflow(BrowserTest.GREETING_WORKFLOW);
    HttpResponse<String> started = t.post("/workflows/" + id + "/runs", "{\"name\": \"Ada\"}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String runId = TestServer.json(started).get("id").asText();
    JsonNode step = t.awaitFinished(runId).get("steps").get(0);
    // The step is named by its slug, its output by the cell's alias.
    assertThat(step.get("id").asText()).isEqualTo("servertest.greet");
    assertThat(step.get("outputs")).hasSize(1);
    assertThat(step.get("outputs").get(0).asText()).isEqualTo("greeting");
    HttpResponse<String> output = t.get("/runs/" + runId + "/outputs/greeting");
    assertThat(output.statusCode()).as(output.body()).isEqualTo(200);
    assertThat(output.body()).isEqualTo("\"Hello, Ada!\"");
    assertThat(t.get("/runs/" + runId + "/outputs/servertest.greet").statusCode())
        .isEqualTo(404);

    // An output over 1 KiB of UTF-8 (700 'ü' are 1400 bytes) is previewed cut, and served
    // whole.
    String big = "ü".repeat(700);
    HttpResponse<String> bigRun = t.post("/workflows/" + id + "/runs",
        "{\"name\": \"" + big + "\"}");
    assertThat(bigRun.statusCode()).as(bigRun.body()).isEqualTo(202);
    String bigId = TestServer.json(bigRun).get("id").asText();
    JsonNode preview = t.awaitFinished(bigId).get("steps").get(0).get("output_preview");
    assertThat(preview.get("truncated").asBoolean()).isTrue();
    assertThat(preview.get("json").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .hasSizeLessThanOrEqualTo(1024).hasSizeGreaterThan(1020);
    assertThat(preview.get("json").asText()).startsWith("\"Hello, üü");
    assertThat(t.get("/runs/" + bigId + "/outputs/greeting").body())
        .isEqualTo("\"Hello, " + big + "!\"");

    String tracker = t.createWorkflow(TestServer.TRACKER_EXAMPLE);
    JsonNode steps = t.awaitFinished(t.startRun(tracker)).get("steps");
    for (JsonNode s : steps) {
      assertThat(s.get("outputs")).as(s.toString()).hasSize(1);
      assertThat(s.get("outputs").get(0).asText()).isEqualTo(s.get("id").asText());
    }
  }

  @Test
  void placesAnOrderThatIsFulfilledWithEachEffectOnce() throws Exception {
    HttpResponse<String> placed = t.post("/orders",
        "{\"customer\": \"Ada\", \"sku\": \"SKU-1\", \"quantity\": 2}");
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
    JsonNode order = TestServer.json(placed);
    String id = order.get("id").asText();
    assertThat(placed.headers().firstValue("Location")).hasValue("/orders/" + id);
    assertThat(order.get("amount").decimalValue()).isEqualByComparingTo("39.98");
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    // The last effect commits with the notify step; the run ends just after it.
    while (!TestServer.json(t.get("/orders/" + id)).get("run_status").asText()
        .equals("SUCCEEDED")) {
      assertThat(System.nanoTime()).as("order fulfilled in time").isLessThan(deadline);
      Thread.sleep(20); // polling interval; the deadline bounds the wait
    }
    JsonNode done = TestServer.json(t.get("/orders/" + id));
    assertThat(done.get("status").asText()).isEqualTo("NOTIFIED");
    assertThat(done.get("customer").asText()).isEqualTo("Ada");
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + t.journalFile);
        var p = c.prepareStatement("SELECT step, COUNT(*) FROM order_log WHERE order_id = ? "
            + "GROUP BY step")) {
      p.setString(1, id);
      java.util.Map<String, Integer> effects = new java.util.TreeMap<>();
      try (var rs = p.executeQuery()) {
        while (rs.next()) {
          effects.put(rs.getString(1), rs.getInt(2));
        }
      }
      assertThat(effects).containsOnlyKeys("validate", "reserve", "charge", "ship", "notify")
          .allSatisfy((step, count) -> assertThat(count).as(step).isEqualTo(1));
    }
    assertThat(TestServer.json(t.get("/runs/" + done.get("run_id").asText()))
        .get("labels").get("order").asText()).isEqualTo(id);
  }
}
