package dev.fancy.server;

import dev.fancy.run.RunEvent;
import dev.fancy.run.RunListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The run meters of {@code GET /metrics}, kept by a {@link RunListener} that sees every run the
 * engine executes. Give the same instance to the engine's builder and to the server, so that
 * runs started through the API, orders, resumed runs and runs recovered at startup all count:
 *
 * <pre>{@code
 * RunMetrics metrics = new RunMetrics();
 * DurableEngine engine = DurableEngine.builder(journal).listener(metrics).open();
 * FancyServer server = FancyServer.builder().engine(engine).runMetrics(metrics).start();
 * }</pre>
 *
 * <p>Without it the server counts only the runs it starts through
 * {@code POST /workflows/{id}/runs}. Meters (Prometheus names):
 * {@code fancy_runs_started_total} (top-level runs that began executing in this process, also
 * resumed and recovered ones, so a run can count more than once),
 * {@code fancy_runs_finished_total{status}} (top-level runs that ended here, by final status) and
 * {@code fancy_step_duration_seconds{slug,status}} (from a step's first attempt to its end, a
 * histogram). Child runs (map elements, branches) are not counted as runs; their steps are timed.
 */
public final class RunMetrics implements RunListener {
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** When each unfinished step of each executing run (or child run) had its first attempt. */
  private final Map<UUID, Map<UUID, Instant>> started = new ConcurrentHashMap<>();
  private final Counter runsStarted = Counter.builder("fancy_runs_started")
      .description("Top-level runs that began executing in this process (also resumed and "
          + "recovered runs)").register(registry);

  /** New meters in a registry of their own, served by the server this is given to. */
  public RunMetrics() {}

  @Override
  public void onEvent(RunEvent event) {
    UUID run = event.child() != null ? event.child().runId() : event.runId();
    switch (event.type()) {
      case RUN_STARTED -> {
        if (event.child() == null) {
          runsStarted.increment();
        }
      }
      case ATTEMPT_STARTED -> started.computeIfAbsent(run, id -> new ConcurrentHashMap<>())
          .putIfAbsent(event.stepId(), event.at());
      case STEP_SUCCEEDED, STEP_FAILED -> {
        Instant from = stepEnded(run, event.stepId());
        if (from != null) {
          Timer.builder("fancy_step_duration").tag("slug", String.valueOf(event.slug()))
              .tag("status", event.type() == RunEvent.Type.STEP_SUCCEEDED ? "SUCCEEDED"
                  : "FAILED")
              .publishPercentileHistogram().register(registry)
              .record(Duration.between(from, event.at()));
        }
      }
      case STEP_CANCELLED, STEP_SKIPPED -> stepEnded(run, event.stepId());
      case RUN_FINISHED -> {
        started.remove(run);
        if (event.child() == null) {
          Counter.builder("fancy_runs_finished").tag("status", String.valueOf(event.status()))
              .register(registry).increment();
        }
      }
      default -> { }
    }
  }

  private Instant stepEnded(UUID run, UUID stepId) {
    Map<UUID, Instant> steps = started.get(run);
    return steps == null || stepId == null ? null : steps.remove(stepId);
  }
}
