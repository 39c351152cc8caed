package dev.fancy.temporal;

import dev.fancy.conformance.EngineConformanceTest;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.WorkflowEngine;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance suite on {@link TemporalEngine}, over Temporal's in-process test server
 * (real time, no skipping) with one worker per engine on a task queue of its own, and claim
 * checks in a temporary directory.
 */
class TemporalEngineConformanceTest extends EngineConformanceTest {

  private static final AtomicInteger QUEUES = new AtomicInteger();
  private static TestWorkflowEnvironment environment;
  private static Path claims;

  @BeforeAll
  static void startServer() throws IOException {
    environment = InProcessTemporal.newEnvironment();
    claims = Files.createTempDirectory("fancy-claims");
  }

  @AfterAll
  static void stopServer() {
    environment.close();
    try (var files = Files.walk(claims)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected WorkflowEngine newEngine(StepRegistry registry) {
    return TemporalEngine.builder(environment.getWorkflowServiceStubs())
        .namespace(environment.getNamespace())
        .taskQueue("conformance-" + QUEUES.incrementAndGet())
        .registry(registry)
        .claimChecks(ClaimCheckStore.directory(claims))
        .heartbeatTimeout(Duration.ofSeconds(1))
        .heartbeatEvery(Duration.ofMillis(100))
        .localWorker(true)
        .build();
  }

  /** Activities that time out are Temporal's: no lingering-attempt warning of Fancy's. */
  @Override
  protected String lingeringLogger() {
    return null;
  }
}
