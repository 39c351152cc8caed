package dev.fancy.temporal;

import dev.fancy.registry.StepRegistry;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Temporal's in-process test server in real time (no time skipping: the engine's timeouts and
 * heartbeats are measured on the wall clock), one per test when registered with
 * {@code @RegisterExtension}; closed after the test's own {@code @AfterEach} methods.
 */
final class InProcessTemporal implements BeforeEachCallback, AfterEachCallback {

  private TestWorkflowEnvironment environment;

  /** A new in-process test server in real time; the caller closes it. */
  static TestWorkflowEnvironment newEnvironment() {
    return TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
  }

  /** An engine on {@code environment}'s server and namespace, {@code queue}, {@code registry}. */
  static TemporalEngine.Builder engine(TestWorkflowEnvironment environment, String queue,
      StepRegistry registry) {
    return TemporalEngine.builder(environment.getWorkflowServiceStubs())
        .namespace(environment.getNamespace()).taskQueue(queue).registry(registry);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    environment = newEnvironment();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    environment.close();
  }

  /** This test's server. */
  TestWorkflowEnvironment environment() {
    return environment;
  }

  /** An engine on this test's server and {@code queue}, with {@code registry}. */
  TemporalEngine.Builder engine(String queue, StepRegistry registry) {
    return engine(environment, queue, registry);
  }
}
