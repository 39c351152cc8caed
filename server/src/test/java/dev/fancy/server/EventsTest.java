package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server-Sent Events: ids are the run's event sequence numbers; Last-Event-ID resumes. */
class EventsTest {
  @TempDir Path dir;

  /** One parsed event: its id and its JSON data. */
  record Sse(long id, String event, JsonNode data) {}

  /** Reads events until the stream ends or {@code max} events were read. */
  static List<Sse> read(TestServer t, String runId, String lastEventId, int max)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(t.uri("/runs/" + runId + "/events"))
        .timeout(Duration.ofSeconds(30)).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> response = t.http.send(request.build(),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    List<Sse> events = new ArrayList<>();
    try (Stream<String> lines = response.body()) {
      Iterator<String> it = lines.iterator();
      long id = -1;
      String event = null;
      String data = null;
      while (events.size() < max && it.hasNext()) {
        String line = it.next();
        if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        } else if (line.isEmpty() && data != null) {
          events.add(new Sse(id, event, Json.MAPPER.readTree(data)));
          id = -1;
          event = null;
          data = null;
        }
      }
    }
    return events;
  }

  static void assertContiguous(List<Sse> events, long from) {
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).id()).isEqualTo(from + i);
      assertThat(events.get(i).data().get("sequence").asLong()).isEqualTo(from + i);
    }
  }

  @Test
  void streamsEveryEventWithItsSequenceAndEndsWithTheRun() throws Exception {
    try (TestServer t = new TestServer(dir)) {
      String runId = t.startRun(t.createWorkflow(TestServer.TRACKER_EXAMPLE));
      List<Sse> events = read(t, runId, null, Integer.MAX_VALUE);
      assertContiguous(events, 1);
      assertThat(events.get(0).event()).isEqualTo("run_started");
      Sse last = events.get(events.size() - 1);
      assertThat(last.event()).isEqualTo("run_finished");
      assertThat(last.data().get("status").asText()).isEqualTo("SUCCEEDED");
      List<String> succeeded = events.stream().filter(e -> e.event().equals("step_succeeded"))
          .map(e -> e.data().get("step").asText()).toList();
      assertThat(succeeded).containsExactly("fetch", "transform", "load");
    }
  }

  @Test
  void lastEventIdResumesWithoutGapsOrRepeatsEvenAfterARestart() throws Exception {
    String runId;
    List<Sse> all;
    try (TestServer t = new TestServer(dir)) {
      runId = t.startRun(t.createWorkflow(TestServer.TRACKER_EXAMPLE));
      List<Sse> firstThree = read(t, runId, null, 3);
      assertContiguous(firstThree, 1);
      List<Sse> rest = read(t, runId, "3", Integer.MAX_VALUE);
      assertContiguous(rest, 4);
      assertThat(rest.get(rest.size() - 1).event()).isEqualTo("run_finished");
      all = new ArrayList<>(firstThree);
      all.addAll(rest);
    }
    try (TestServer restarted = new TestServer(dir)) {
      List<Sse> again = read(restarted, runId, "2", Integer.MAX_VALUE);
      assertContiguous(again, 3);
      assertThat(again).hasSize(all.size() - 2);
      for (int i = 0; i < again.size(); i++) {
        assertThat(again.get(i).data()).isEqualTo(all.get(i + 2).data());
      }
      assertThat(read(restarted, runId, String.valueOf(all.size()), 10)).isEmpty();
    }
  }

  @Test
  void aResumedRunsStreamGoesOnAfterItsEarlierFinalEvent() throws Exception {
    try (TestServer t = new TestServer(dir)) {
      String id = t.createWorkflow("""
          {"name": "slow", "steps": [
            {"id": "quick", "type": "task"},
            {"id": "slow", "type": "task", "config": {"duration_seconds": 0.5},
             "depends_on": ["quick"]}]}
          """);
      String runId = t.startRun(id);
      t.awaitRun(runId, r -> r.get("steps").get(1).get("status").asText().equals("RUNNING"));
      assertThat(t.post("/runs/" + runId + "/cancel", null).statusCode()).isEqualTo(202);
      t.awaitFinished(runId);
      assertThat(t.post("/runs/" + runId + "/resume", null).statusCode()).isEqualTo(202);
      List<Sse> events = read(t, runId, null, Integer.MAX_VALUE);
      assertContiguous(events, 1);
      List<String> finals = events.stream().filter(e -> e.event().equals("run_finished"))
          .map(e -> e.data().get("status").asText()).toList();
      assertThat(finals).containsExactly("CANCELLED", "SUCCEEDED");
    }
  }
}
