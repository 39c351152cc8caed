package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the server as a child JVM, submits runs of the tracker's example with long steps,
 * SIGKILLs it mid-run, starts it again on the same journal, and checks that every run finishes
 * and that no step whose result was committed ran again, counted through the effect file the
 * tracker task appends to on each successful attempt.
 */
class CrashTest {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+/)");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  record Child(Process process, URI uri, List<String> output) {}

  Child start(Path journal, Path effects) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The test class path: Logback and this module's logback-test.xml (WARN and above).
    ProcessBuilder builder = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        FancyServerMain.class.getName(),
        "--port", "0", "--journal", journal.toString(), "--lease-seconds", "2")
        .redirectErrorStream(true);
    builder.environment().put("FANCY_TRACKER_EFFECTS", effects.toString());
    Process process = builder.start();
    List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<URI> uri = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(
          process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          output.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            uri.complete(URI.create(m.group(1)));
          }
        }
      } catch (IOException e) {
        uri.completeExceptionally(e);
      }
      uri.completeExceptionally(new IllegalStateException("the server exited: " + output));
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
    return new Child(process, uri.get(30, TimeUnit.SECONDS), output);
  }

  static HttpResponse<String> send(URI base, String method, String path, String body)
      throws Exception {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode get(URI base, String path) throws Exception {
    return Json.MAPPER.readTree(send(base, "GET", path, null).body());
  }

  static boolean poll(Duration limit, java.util.concurrent.Callable<Boolean> condition)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.call()) {
        return true;
      }
      Thread.sleep(50); // polling interval; the deadline bounds the wait
    }
    return false;
  }

  @Test
  void runsSurviveSigkillAndCommittedStepsNeverRunAgain() throws Exception {
    Path journal = dir.resolve("journal.db");
    Path effects = dir.resolve("effects.txt");
    Child first = start(journal, effects);
    List<String> runs = new ArrayList<>();
    try {
      HttpResponse<String> created = send(first.uri(), "POST", "/workflows", """
          {"name": "crash", "steps": [
            {"id": "fetch", "type": "task", "config": {"duration_seconds": 0.4}},
            {"id": "transform", "type": "task", "config": {"duration_seconds": 0.8},
             "depends_on": ["fetch"]},
            {"id": "load", "type": "task", "config": {"duration_seconds": 0.4},
             "depends_on": ["transform"]}]}
          """);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String workflowId = Json.MAPPER.readTree(created.body()).get("id").asText();
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> run = send(first.uri(), "POST", "/workflows/" + workflowId
            + "/runs", null);
        assertThat(run.statusCode()).isEqualTo(202);
        runs.add(Json.MAPPER.readTree(run.body()).get("id").asText());
      }
      // Kill once some step has committed and the runs are still going.
      assertThat(poll(Duration.ofSeconds(30), () -> {
        JsonNode run = get(first.uri(), "/runs/" + runs.get(0));
        return run.get("steps").get(0).get("status").asText().equals("SUCCEEDED");
      })).isTrue();
    } finally {
      first.process().destroyForcibly(); // SIGKILL on Linux and macOS
      first.process().waitFor(30, TimeUnit.SECONDS);
    }
    long committedBeforeKill = Files.readAllLines(effects).size();
    assertThat(committedBeforeKill).isGreaterThan(0).isLessThan(runs.size() * 3L);

    Child second = start(journal, effects);
    try {
      assertThat(poll(Duration.ofSeconds(30), () -> send(second.uri(), "GET",
          "/health/ready", null).statusCode() == 200)).as("ready after recovery").isTrue();
      for (String runId : runs) {
        assertThat(poll(Duration.ofSeconds(60), () -> get(second.uri(), "/runs/" + runId)
            .get("status").asText().equals("SUCCEEDED")))
            .as("run " + runId + " finished: " + get(second.uri(), "/runs/" + runId)).isTrue();
      }
      // Effect lines are "<run>:<step> <attempt> <key>". For each step, the attempt that committed is
      // the last one with an effect: a later effect would mean a committed step ran again.
      Map<String, List<Integer>> effectsByStep = new HashMap<>();
      for (String line : Files.readAllLines(effects)) {
        // The attempt is read from the idempotency key, the journal's numbering across
        // processes (frame.attempt() restarts at 1 in the process that took the run over).
        String[] parts = line.split(" ");
        String idempotencyKey = parts[2];
        effectsByStep.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(
            idempotencyKey.substring(idempotencyKey.lastIndexOf(':') + 1)));
      }
      int steps = 0;
      for (String runId : runs) {
        JsonNode run = get(second.uri(), "/runs/" + runId);
        for (JsonNode step : run.get("steps")) {
          steps++;
          String key = runId + ":" + step.get("step_id").asText();
          JsonNode attempts = get(second.uri(), "/runs/" + runId + "/steps/"
              + step.get("id").asText() + "/attempts").get("attempts");
          int committed = -1;
          for (JsonNode attempt : attempts) {
            if (attempt.get("status").asText().equals("SUCCEEDED")) {
              assertThat(committed).as(key + " committed twice").isEqualTo(-1);
              committed = attempt.get("attempt").asInt();
            }
          }
          assertThat(committed).as(key).isPositive();
          int last = committed;
          List<Integer> ran = effectsByStep.getOrDefault(key, List.of());
          assertThat(ran).as(key + " effect of the committed attempt; attempts " + attempts
              + "; effects " + Files.readAllLines(effects).stream().filter(l -> l.startsWith(key))
              .toList())
              .contains(committed);
          assertThat(ran).as(key + " ran after its result was committed")
              .allSatisfy(a -> assertThat(a).isLessThanOrEqualTo(last));
          assertThat(ran).as(key + " effects").doesNotHaveDuplicates();
        }
      }
      assertThat(effectsByStep).hasSize(steps);
      String metrics = send(second.uri(), "GET", "/metrics", null).body();
      assertThat(metrics).contains("fancy_journal_transactions ")
          .contains("fancy_journal_busy_retries ");
      // The runs this process recovered count as started and finished here.
      assertThat(ApiTest.sample(metrics, "fancy_runs_started_total")).as(metrics).isPositive();
      assertThat(ApiTest.sample(metrics, "fancy_runs_finished_total{status=\"SUCCEEDED\"}"))
          .as(metrics).isPositive();
      assertThat(metrics).contains("fancy_runs_current{status=\"RUNNING\"} 0.0");
    } finally {
      second.process().destroy(); // SIGTERM: the shutdown hook stops it cleanly
      assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
