package dev.fancy.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.engine.Engine;
import dev.fancy.engine.RunOptions;
import dev.fancy.engine.RunResult;
import dev.fancy.engine.UsageLimitExceededException;
import dev.fancy.frame.Resources;
import dev.fancy.registry.StepRegistry;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs workflows durably on a {@link Journal}: {@link #submit} records the run and returns its ID
 * at once, execution goes on in the background, and every step attempt is journaled, so a run
 * survives the process dying at any instant. Opening a durable engine resumes every run left
 * running by a dead process (its lease expired): committed steps are never executed again, their
 * outputs come from the journal; steps that were mid-attempt get a new attempt. A lease per run
 * ({@code owner}, {@code lease_until}), renewed while the run executes, keeps two processes from
 * executing one run at the same time. A run always executes the definition it started with; if a
 * step's version is no longer registered, the run fails naming it instead of mixing versions.
 *
 * <p>The promise of Temporal and DBOS, with an embedded SQLite journal and no server.
 */
public final class DurableEngine implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DurableEngine.class);

  private final Journal journal;
  private final Engine engine;
  private final String owner = UUID.randomUUID().toString();
  private final Duration lease;
  private final ScheduledExecutorService heartbeat;
  /** How many finished runs keep their values in memory for {@link #result}. */
  public static final int KEPT_RESULTS = 1_000;

  private final Map<UUID, CompletableFuture<RunResult>> active = new ConcurrentHashMap<>();
  private final java.util.ArrayDeque<UUID> finished = new java.util.ArrayDeque<>();
  private final ValueCodec codec = ValueCodec.defaults();

  private DurableEngine(Journal journal, StepRegistry registry, Duration lease, int maxConcurrency,
      Resources resources) {
    this.journal = journal;
    this.lease = lease;
    this.engine = Engine.builder().registry(registry).journal(journal)
        .maxConcurrency(maxConcurrency)
        .resources((resources == null ? Resources.NONE : resources)
            .with(JournalEffects.class, journal.effects()))
        .build();
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "fancy-lease-" + owner);
      thread.setDaemon(true);
      return thread;
    });
    long period = Math.max(1, lease.toMillis() / 3);
    heartbeat.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens a durable engine on {@code journal} with steps from {@code registry}, a 30-second lease
   * and one worker per processor, and resumes every run left running by a dead process.
   */
  public static DurableEngine open(Journal journal, StepRegistry registry) {
    return open(journal, registry, Duration.ofSeconds(30),
        Runtime.getRuntime().availableProcessors(), null);
  }

  /**
   * Opens a durable engine and resumes every run left running whose lease has expired.
   *
   * @param lease how long a run stays claimed without a heartbeat; a crashed process's runs are
   *     taken over after it
   * @param resources resources for steps (the journal's effects are added), or null
   */
  public static DurableEngine open(Journal journal, StepRegistry registry, Duration lease,
      int maxConcurrency, Resources resources) {
    Objects.requireNonNull(journal, "journal == null");
    DurableEngine engine = new DurableEngine(journal, registry, lease, maxConcurrency, resources);
    engine.recover();
    return engine;
  }

  /** This process's owner ID in run leases. */
  public String owner() {
    return owner;
  }

  /** The journal. */
  public Journal journal() {
    return journal;
  }

  /**
   * Records and starts a run; returns its ID at once.
   *
   * @throws WorkflowValidationException if the workflow or inputs are invalid (nothing is
   *     recorded then)
   */
  public UUID submit(Workflow workflow, Map<String, ?> inputs) {
    engine.validate(workflow, inputs);
    ObjectNode json = codec.mapper().createObjectNode();
    for (Map.Entry<String, ?> input : inputs.entrySet()) {
      json.set(input.getKey(), codec.toTree(input.getValue()));
    }
    UUID runId = UUID.randomUUID();
    String hash = journal.saveWorkflow(workflow);
    start(runId, workflow, inputs, Map.of(),
        () -> journal.createRun(runId, hash, json, owner, leaseEnd()));
    return runId;
  }

  /**
   * Resumes a failed or cancelled run from where it stopped: committed steps keep their results,
   * the others run again (with new attempts).
   *
   * @throws IllegalStateException if the run is unknown, still running, or succeeded
   */
  public UUID resume(UUID runId) {
    RunInfo run = journal.run(runId).orElseThrow(
        () -> new IllegalStateException("the journal has no run " + runId));
    CompletableFuture<RunResult> executing = active.get(runId);
    boolean running = executing != null && !executing.isDone();
    if (run.status().equals("SUCCEEDED") || running) {
      throw new IllegalStateException("run " + runId + " is "
          + (running ? "running in this process" : "succeeded")
          + "; only failed, cancelled or abandoned runs can be resumed");
    }
    if (!journal.claim(runId, owner, leaseEnd(), true)) {
      throw new IllegalStateException("run " + runId + " is leased by another process");
    }
    restart(run);
    return runId;
  }

  /**
   * Waits for a run this process executes, or returns the recorded outcome of a finished one.
   *
   * @return the run's status: {@code SUCCEEDED}, {@code FAILED} or {@code CANCELLED}
   */
  public String await(UUID runId) {
    CompletableFuture<RunResult> future = active.get(runId);
    if (future != null) {
      try {
        future.join();
      } catch (RuntimeException e) {
        // the outcome is in the journal
      }
    }
    return journal.run(runId).map(RunInfo::status).orElseThrow(
        () -> new IllegalStateException("the journal has no run " + runId));
  }

  /**
   * The result of a run this process executed and still holds in memory (the last
   * {@value #KEPT_RESULTS} finished runs keep their values), for reading values.
   *
   * @throws IllegalStateException if this process did not execute it or has forgotten it
   */
  public RunResult result(UUID runId) {
    CompletableFuture<RunResult> future = active.get(runId);
    if (future == null) {
      throw new IllegalStateException("run " + runId + " was not executed by this process");
    }
    try {
      return future.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof UsageLimitExceededException limit) {
        return limit.result();
      }
      throw e;
    }
  }

  /** Cancels a run this process executes: running steps are interrupted, the run is cancelled. */
  public void cancel(UUID runId) {
    if (!engine.cancel(runId, "cancelled on request")) {
      throw new IllegalStateException("run " + runId + " is not executing in this process");
    }
  }

  /** Every run in the journal, newest first. */
  public List<RunInfo> runs() {
    return journal.runs();
  }

  /** Resumes every run left running whose lease has expired (or is this process's). */
  public void recover() {
    for (RunInfo run : journal.runningRuns()) {
      CompletableFuture<RunResult> executing = active.get(run.runId());
      boolean running = executing != null && !executing.isDone();
      if (!running && journal.claim(run.runId(), owner, leaseEnd(), false)) {
        LOG.info("resuming run {} of workflow '{}' left by {}", run.runId(), run.workflowName(),
            run.owner());
        restart(run);
      }
    }
  }

  private void restart(RunInfo run) {
    Workflow workflow;
    Map<String, Object> inputs;
    try {
      workflow = journal.loadWorkflow(run.workflowHash());
      engine.validate(workflow);
      inputs = readInputs(workflow, journal.runInputs(run.runId()));
    } catch (RuntimeException e) {
      journal.finishRun(run.runId(), "FAILED", "cannot resume: " + e.getMessage());
      return;
    }
    start(run.runId(), workflow, inputs, journal.committedOutputs(run.runId()), () -> { });
  }

  private Map<String, Object> readInputs(Workflow workflow, JsonNode json) {
    Map<String, Object> inputs = new HashMap<>();
    for (Cell<?> input : workflow.inputs()) {
      JsonNode value = json.get(input.alias());
      if (value != null) {
        inputs.put(input.alias(), codec.fromTree(value, input.type()));
      }
    }
    return inputs;
  }

  private CompletableFuture<RunResult> start(UUID runId, Workflow workflow, Map<String, ?> inputs,
      Map<UUID, ArrayNode> committed, Runnable record) {
    RunOptions options = RunOptions.DEFAULT.resuming(runId, committed);
    CompletableFuture<RunResult> done = new CompletableFuture<>();
    active.put(runId, done);
    try {
      record.run();
      engine.start(workflow, inputs, options).whenComplete((result, error) -> {
        try {
          if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException
                ? error.getCause() : error;
            journal.finishRun(runId, "CANCELLED", cause.getMessage());
          } else {
            journal.finishRun(runId, result.status().name(),
                result.failure().map(Throwable::toString).orElse(result.stopReason().orElse(null)));
          }
        } catch (RuntimeException e) {
          LOG.error("cannot record the end of run {}", runId, e);
        }
        if (error != null) {
          done.completeExceptionally(error);
        } else {
          done.complete(result);
        }
        forgetOldResults(runId);
      });
    } catch (RuntimeException e) {
      active.remove(runId);
      done.completeExceptionally(e);
      throw e;
    }
    return done;
  }

  /** Keeps the values of the last {@value #KEPT_RESULTS} finished runs; discards older ones. */
  private void forgetOldResults(UUID justFinished) {
    UUID oldest = null;
    synchronized (finished) {
      finished.addLast(justFinished);
      if (finished.size() > KEPT_RESULTS) {
        oldest = finished.removeFirst();
      }
    }
    if (oldest == null) {
      return;
    }
    CompletableFuture<RunResult> future = active.get(oldest);
    if (future != null && future.isDone()) {
      active.remove(oldest, future);
      try {
        future.join().discard();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof UsageLimitExceededException limit) {
          limit.result().discard();
        }
      }
    }
  }

  private Instant leaseEnd() {
    return Instant.now().plus(lease);
  }

  private void renew() {
    try {
      journal.renewLeases(owner, leaseEnd());
    } catch (RuntimeException e) {
      LOG.warn("cannot renew the leases of {}", owner, e);
    }
  }

  /** Stops renewing leases and shuts the engine down; runs still executing are abandoned. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    engine.close();
  }
}
