package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.registry.StepRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A real server on a random port over a durable engine on a journal in a temporary folder, and
 * an HTTP client for it. Closing it stops the server, the engine and the journal.
 */
final class TestServer implements AutoCloseable {
  static final String TRACKER_EXAMPLE = """
      {"name": "etl", "steps": [
        {"id": "fetch", "type": "task", "config": {"action": "fetch", "duration_seconds": 0.05,
          "fail_probability": 0, "max_retries": 3}, "depends_on": []},
        {"id": "transform", "type": "task", "config": {"action": "transform",
          "duration_seconds": 0.05}, "depends_on": ["fetch"]},
        {"id": "load", "type": "task", "config": {"action": "load"},
          "depends_on": ["transform"]}]}
      """;

  final Path journalFile;
  final Journal journal;
  final DurableEngine engine;
  final FancyServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();
  String token;

  TestServer(Path dir) {
    this(dir, ServerOptions.DEFAULT.withPort(0));
  }

  TestServer(Path dir, ServerOptions options) {
    this(dir, options, StepRegistry.loadDefault());
  }

  TestServer(Path dir, ServerOptions options, StepRegistry registry) {
    this.journalFile = dir.resolve("journal.db");
    this.journal = Journal.open(journalFile);
    RunMetrics metrics = new RunMetrics();
    this.engine = DurableEngine.builder(journal).registry(registry)
        .lease(Duration.ofSeconds(2)).listener(metrics).open();
    this.server = FancyServer.builder().engine(engine).options(options.withJournal(journalFile))
        .runMetrics(metrics).start();
    this.token = options.token();
  }

  HttpResponse<String> send(String method, String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    return send("GET", path, null, headers);
  }

  HttpResponse<String> post(String path, String body, String... headers)
      throws IOException, InterruptedException {
    return send("POST", path, body, headers);
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return Json.MAPPER.readTree(response.body());
  }

  /** Creates the tracker example (or {@code body}) and returns its ID. */
  String createWorkflow(String body) throws Exception {
    HttpResponse<String> created = post("/workflows", body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).get("id").asText();
  }

  String startRun(String workflowId) throws Exception {
    HttpResponse<String> started = post("/workflows/" + workflowId + "/runs", null);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    return json(started).get("id").asText();
  }

  /** Polls {@code GET /runs/{id}} until {@code until} holds, for at most 30 s. */
  JsonNode awaitRun(String runId, Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode run = null;
    while (System.nanoTime() < deadline) {
      run = json(get("/runs/" + runId));
      if (until.test(run)) {
        return run;
      }
      Thread.onSpinWait();
      Thread.sleep(20); // polling interval, not synchronisation: the deadline bounds the wait
    }
    throw new AssertionError("run " + runId + " never got there; last seen " + run);
  }

  JsonNode awaitFinished(String runId) throws Exception {
    return awaitRun(runId, run -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
        .contains(run.get("status").asText()));
  }

  /**
   * A digest of every row of every table in the journal's SQLite file (the journal's and the
   * server's): equal digests mean nothing was written.
   */
  /** The first column of the first row of {@code sql} on the journal file. */
  long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + journalFile);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  String snapshot() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + journalFile);
        Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      Map<String, String> digests = new TreeMap<>();
      for (String table : tables) {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY 1")) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
              md.update(String.valueOf(rs.getObject(i)).getBytes(StandardCharsets.UTF_8));
              md.update((byte) 0);
            }
          }
        }
        digests.put(table, HexFormat.of().formatHex(md.digest()));
      }
      return digests.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  URI uri(String path) {
    return server.uri().resolve(path);
  }

  @Override
  public void close() {
    server.close();
    engine.close();
    journal.close();
  }
}
