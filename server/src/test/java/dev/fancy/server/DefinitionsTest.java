package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.server.fixtures.GreetingWorkflow;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program ({@link FancyServerMain#start}) offers the {@code @WorkflowDefinition} workflows of
 * its class path by name, over real HTTP: {@code GET /workflows} lists them beside the posted
 * ones, {@code POST /workflows/{name}/runs} runs one, and the run is journaled under the
 * definition's name and labelled with it, as {@code fancy run NAME} is.
 */
class DefinitionsTest {

  @TempDir Path dir;

  @Test
  void aDefinitionOnTheClassPathIsListedAndRunByItsName() throws Exception {
    ServerOptions options = ServerOptions.DEFAULT.withPort(0)
        .withJournal(dir.resolve("journal.db"));
    try (FancyServerMain.Running running = FancyServerMain.start(options)) {
      URI base = running.server.uri();
      String posted = TestServer.json(CrashTest.send(base, "POST", "/workflows",
          TestServer.TRACKER_EXAMPLE)).get("id").asText();

      JsonNode list = TestServer.json(CrashTest.send(base, "GET", "/workflows", null))
          .get("workflows");
      JsonNode definition = null;
      boolean postedListed = false;
      for (JsonNode workflow : list) {
        if (workflow.get("id").asText().equals(GreetingWorkflow.NAME)) {
          definition = workflow;
        }
        postedListed |= workflow.get("id").asText().equals(posted);
      }
      assertThat(postedListed).as("the posted workflow is listed too: " + list).isTrue();
      assertThat(definition).as("the definition is listed: " + list).isNotNull();
      assertThat(definition.get("name").asText()).isEqualTo(GreetingWorkflow.NAME);
      assertThat(definition.get("shape").asText()).isEqualTo("definition");
      assertThat(definition.get("source").asText()).startsWith(
          "dev.fancy.server.fixtures.");
      assertThat(definition.get("steps").get(0).get("type").asText())
          .isEqualTo("servertest.greet");
      HttpResponse<String> one = CrashTest.send(base, "GET", "/workflows/"
          + GreetingWorkflow.NAME, null);
      assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
      assertThat(TestServer.json(one).get("name").asText()).isEqualTo(GreetingWorkflow.NAME);

      HttpResponse<String> started = CrashTest.send(base, "POST", "/workflows/"
          + GreetingWorkflow.NAME + "/runs", "{\"name\": \"Grace\"}");
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      assertThat(started.headers().firstValue("Location")).hasValueSatisfying(
          location -> assertThat(location).startsWith("/runs/"));
      String runId = TestServer.json(started).get("id").asText();
      JsonNode run = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        run = TestServer.json(CrashTest.send(base, "GET", "/runs/" + runId, null));
        if (run.get("status").asText().equals("SUCCEEDED")) {
          break;
        }
        Thread.sleep(20); // polling interval, not synchronisation: the deadline bounds the wait
      }
      assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
      // The journal's workflow name and the server's label are the definition's name.
      assertThat(run.get("workflow_name").asText()).isEqualTo(GreetingWorkflow.NAME);
      assertThat(run.get("workflow_id").asText()).isEqualTo(GreetingWorkflow.NAME);
      assertThat(run.get("labels").get(Views.WORKFLOW_LABEL).asText())
          .isEqualTo(GreetingWorkflow.NAME);
      assertThat(running.engine.handle(java.util.UUID.fromString(runId)).history().run()
          .workflowName()).isEqualTo(GreetingWorkflow.NAME);
      String output = run.get("steps").get(0).get("outputs").get(0).asText();
      HttpResponse<String> value = CrashTest.send(base, "GET", "/runs/" + runId + "/outputs/"
          + output, null);
      assertThat(value.body()).isEqualTo("\"Hello, Grace!\"");

      JsonNode runs = TestServer.json(CrashTest.send(base, "GET", "/runs?workflow_id="
          + GreetingWorkflow.NAME, null)).get("runs");
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).get("id").asText()).isEqualTo(runId);

      // Bad inputs name the input; an unknown name is a 404.
      HttpResponse<String> bad = CrashTest.send(base, "POST", "/workflows/"
          + GreetingWorkflow.NAME + "/runs", "{\"nobody\": 1}");
      assertThat(bad.statusCode()).as(bad.body()).isEqualTo(422);
      // A definition whose workflow is named otherwise is listed with its error and refused.
      JsonNode misnamed = null;
      for (JsonNode workflow : list) {
        if (workflow.get("id").asText().equals("servertest.misnamed")) {
          misnamed = workflow;
        }
      }
      assertThat(misnamed).as("the misnamed definition is listed: " + list).isNotNull();
      assertThat(misnamed.get("error").asText()).contains("'servertest.other'",
          "Pass 'servertest.misnamed' to Workflow.of");
      HttpResponse<String> refused = CrashTest.send(base, "POST",
          "/workflows/servertest.misnamed/runs", "{\"name\": \"Ada\"}");
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
      assertThat(TestServer.json(refused).get("detail").asText())
          .contains("workflow definition 'servertest.misnamed'", "'servertest.other'");
      HttpResponse<String> unknown = CrashTest.send(base, "POST",
          "/workflows/servertest.no_such/runs", "{}");
      assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
    }
  }
}
