package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token, bind address, CORS and readiness defaults. */
class SecurityTest {
  @TempDir Path dir;

  @Test
  void withATokenEveryRouteButHealthNeedsTheBearerToken() throws Exception {
    try (TestServer t = new TestServer(dir, ServerOptions.DEFAULT.withPort(0)
        .withToken("s3cret-token"))) {
      t.token = null;
      BadInputTest.assertProblem(t.get("/workflows"), 401, "unauthorized", null);
      assertThat(t.get("/workflows").headers().firstValue("WWW-Authenticate")).isPresent();
      BadInputTest.assertProblem(t.post("/workflows", TestServer.TRACKER_EXAMPLE), 401,
          "unauthorized", null);
      BadInputTest.assertProblem(t.get("/runs"), 401, "unauthorized", null);
      BadInputTest.assertProblem(t.get("/metrics"), 401, "unauthorized", null);
      BadInputTest.assertProblem(t.get("/workflows", "Authorization", "Bearer s3cret-tokeN"),
          401, "unauthorized", null);
      // On one connection, after the right token, a token differing only in case is refused.
      assertThat(t.get("/workflows", "Authorization", "Bearer s3cret-token").statusCode())
          .isEqualTo(200);
      BadInputTest.assertProblem(t.get("/workflows", "Authorization", "Bearer s3cret-tokeN"),
          401, "unauthorized", null);
      BadInputTest.assertProblem(t.get("/workflows", "Authorization", "Bearer s3cret-token2"),
          401, "unauthorized", null);
      BadInputTest.assertProblem(t.get("/workflows", "Authorization", "Basic s3cret-token"),
          401, "unauthorized", null);
      assertThat(t.get("/health/live").statusCode()).isEqualTo(200);
      assertThat(t.get("/health/ready").statusCode()).isEqualTo(200);
      assertThat(t.get("/workflows", "Authorization", "Bearer s3cret-token").statusCode())
          .isEqualTo(200);
      t.token = "s3cret-token";
      assertThat(t.createWorkflow(TestServer.TRACKER_EXAMPLE)).isNotBlank();
    }
  }

  @Test
  void withoutATokenOnlyLoopbackIsAllowed() {
    assertThat(ServerOptions.DEFAULT.host()).isEqualTo("127.0.0.1");
    assertThatThrownBy(() -> new TestServer(dir, ServerOptions.DEFAULT.withPort(0)
        .withHost("0.0.0.0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without an API token");
  }

  @Test
  void corsIsOffByDefaultAndAllowsOnlyTheConfiguredOrigins() throws Exception {
    try (TestServer t = new TestServer(dir)) {
      HttpResponse<String> response = t.get("/workflows", "Origin", "https://evil.example");
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
    try (TestServer t = new TestServer(dir.resolve("2"), ServerOptions.DEFAULT.withPort(0)
        .withCorsOrigins(List.of("https://tracker.example.com")))) {
      HttpResponse<String> allowed = t.get("/workflows", "Origin",
          "https://tracker.example.com");
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("https://tracker.example.com");
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
      HttpResponse<String> other = t.get("/workflows", "Origin", "https://evil.example");
      assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
    assertThatThrownBy(() -> ServerOptions.DEFAULT.withCorsOrigins(List.of("*")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never '*'");
  }

  @Test
  void readyOnlyOnceRecoveryIsDone() throws Exception {
    CompletableFuture<Void> recovered = new CompletableFuture<>();
    var journal = dev.fancy.engine.Journal.open(dir.resolve("j.db"));
    var engine = dev.fancy.engine.DurableEngine.open(journal,
        dev.fancy.registry.StepRegistry.loadDefault());
    try (FancyServer server = FancyServer.builder().engine(engine).port(0).ready(recovered)
        .start()) {
      var http = java.net.http.HttpClient.newHttpClient();
      var live = java.net.http.HttpRequest.newBuilder(server.uri().resolve("/health/live"))
          .build();
      var ready = java.net.http.HttpRequest.newBuilder(server.uri().resolve("/health/ready"))
          .build();
      assertThat(http.send(live, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
      assertThat(http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(503);
      recovered.complete(null);
      assertThat(http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
    } finally {
      engine.close();
      journal.close();
    }
  }
}
