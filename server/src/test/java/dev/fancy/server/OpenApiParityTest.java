package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document describes exactly the routes the server registers. */
class OpenApiParityTest {
  @TempDir Path dir;

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws Exception {
    try (TestServer t = new TestServer(dir)) {
      Set<FancyServer.Route> registered = new HashSet<>(t.server.routes());
      Set<FancyServer.Route> documented = new HashSet<>(OpenApiDocument.routes());
      assertThat(registered).as("routes the server answers").isNotEmpty();
      assertThat(documented).as("documented but not registered")
          .isSubsetOf(registered);
      assertThat(registered).as("registered but not documented")
          .isSubsetOf(documented);

      JsonNode served = TestServer.json(t.get("/openapi.json"));
      assertThat(served.get("openapi").asText()).isEqualTo("3.1.0");
      assertThat(served.get("paths").size()).isEqualTo(
          (int) documented.stream().map(FancyServer.Route::path).distinct().count());
      assertThat(served.at("/paths/~1runs~1{id}~1events/get/parameters/0/name").asText())
          .isEqualTo("id");
      assertThat(served.at("/paths/~1health~1live/get/security").isArray()).isTrue();
    }
  }
}
