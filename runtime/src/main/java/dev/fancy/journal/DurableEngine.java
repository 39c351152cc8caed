package dev.fancy.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fancy.engine.Engine;
import dev.fancy.engine.spi.EngineAccess;
import dev.fancy.engine.spi.JournaledRun;
import dev.fancy.frame.Resources;
import dev.fancy.frame.Usage;
import dev.fancy.frame.UsageLimits;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Capabilities;
import dev.fancy.run.Capability;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunNotFoundException;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunPage;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueCodecException;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs workflows durably on a {@link Journal}: {@link #submit} records the run and returns its ID
 * at once, execution goes on in the background, and every step attempt is journaled, so a run
 * survives the process dying at any instant. Committed steps are never executed again: their
 * outputs come from the journal; steps that were mid-attempt get a new attempt.
 *
 * <p>Any number of processes on one machine may open durable engines on one journal file. Each
 * run is leased to one of them ({@code owner}, {@code epoch}, {@code lease_until}), renewed by a
 * heartbeat every third of the lease; every write for a run checks the lease in the same
 * transaction (fencing), so a process that lost a run (paused longer than its lease) cannot write
 * for it any more. Every engine keeps looking for runs whose lease ran out (their process died)
 * and takes them over, within about one lease period. A run always executes the definition it
 * started with; if a step's version is no longer registered, the run fails naming it instead of
 * mixing versions.
 *
 * <p>If the journal fails while a run executes (a full disk, a corrupt file, a lost lease), the
 * run stops in this process at once without further writes and stays resumable: its lease is no
 * longer renewed, so it is taken over again (here or elsewhere) once the journal can be written.
 * {@link #await} reports such a failure instead of waiting forever.
 *
 * <p>The promise of Temporal and DBOS, with an embedded SQLite journal and no server. See
 * docs/durability.md for the exact guarantees.
 */
public final class DurableEngine implements WorkflowEngine {

  private static final Logger LOG = LoggerFactory.getLogger(DurableEngine.class);
  private static final AtomicInteger ENGINES = new AtomicInteger();
  private static final Capabilities CAPABILITIES = Capabilities.all()
      .without(Capability.SINGLE_FLIGHT_CACHE, "identical cached steps running at the same time "
          + "each compute");

  /** A run executing in this process. */
  private record Execution(Lease lease, CompletableFuture<RunResult> done) {}

  /** A finished run's result kept for {@link #result}, and its weight in bytes. */
  private record Kept(RunResult result, int weight) {}

  /** A workflow's JSON and its hash, computed once per workflow object. */
  private record Definition(String json, String hash) {}

  private final Journal journal;
  private final Engine engine;
  private final ValueCodec codec;
  private final String owner = UUID.randomUUID().toString();
  private final Duration lease;
  private final RunOptions defaults;
  private final ExecutorService workers;
  private final ScheduledExecutorService scheduler;
  private final Map<UUID, Execution> active = new ConcurrentHashMap<>();
  private final Cache<UUID, Kept> kept;
  private final long keptBytes;
  private final int keptRuns;
  private final Cache<Workflow, Definition> definitions =
      Caffeine.newBuilder().weakKeys().maximumSize(1_000).build();
  /**
   * Why runs stopped in this process on a journal failure or a lost lease, until this process
   * claims them again.
   */
  private final Cache<UUID, JournalException> stoppedHere =
      Caffeine.newBuilder().maximumSize(10_000).build();
  private volatile boolean heartbeatPaused;
  private volatile boolean closed;

  private DurableEngine(Builder builder) {
    this.journal = builder.journal;
    this.lease = builder.lease;
    this.defaults = builder.defaults;
    int id = ENGINES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(builder.workerThreads, task -> {
      Thread thread = new Thread(task, "fancy-durable-" + id + "-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    Engine.Builder engineBuilder = Engine.builder().registry(builder.registry).executor(workers)
        .maxConcurrency(builder.maxConcurrency)
        .resources(builder.resources.with(JournalEffects.class, journal.effects()));
    builder.jacksonModules.forEach(engineBuilder::jacksonModule);
    this.engine = engineBuilder.build();
    this.codec = engine.codec();
    this.keptRuns = builder.keptRuns;
    this.keptBytes = builder.keptBytes;
    this.kept = Caffeine.newBuilder()
        .maximumWeight(builder.keptBytes)
        .weigher((UUID run, Kept result) -> result.weight())
        .removalListener((UUID run, Kept result, com.github.benmanes.caffeine.cache.RemovalCause
            cause) -> {
          if (result != null && cause.wasEvicted()) {
            result.result().discard();
          }
        })
        .executor(Runnable::run)
        .build();
    this.scheduler = Executors.newScheduledThreadPool(2, task -> {
      Thread thread = new Thread(task, "fancy-lease-" + id);
      thread.setDaemon(true);
      return thread;
    });
    long heartbeat = Math.max(1, lease.toMillis() / 3);
    scheduler.scheduleWithFixedDelay(this::renew, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    long scan = Math.max(1, builder.takeoverInterval.toMillis());
    scheduler.scheduleWithFixedDelay(this::scan, scan, scan, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens a durable engine on {@code journal} with steps from {@code registry} and the defaults
   * of {@link #builder}, and resumes every run left running by a dead process.
   *
   * @throws JournalException as for {@link #recover()}, only if the journal cannot be read at all
   */
  public static DurableEngine open(Journal journal, StepRegistry registry) {
    return builder(journal).registry(registry).open();
  }

  /** A builder of a durable engine on {@code journal}. */
  public static Builder builder(Journal journal) {
    return new Builder(Objects.requireNonNull(journal, "journal == null"));
  }

  /** This process's owner ID in run leases. */
  public String owner() {
    return owner;
  }

  /** The journal. */
  public Journal journal() {
    return journal;
  }

  /** The in-memory engine that executes runs (its registry, codec, lingering attempts). */
  public Engine engine() {
    return engine;
  }

  /**
   * Records and starts a run; returns its handle at once. Every input is checked to be readable
   * back from its JSON (as a resumed run would read it) before anything is recorded. The options'
   * usage limits, labels and run ID are journaled; its context factory, context rule and
   * listeners apply while this process executes the run (a run resumed elsewhere gets that
   * engine's {@link Builder#defaults}). Starting with the ID of an existing run of the same
   * workflow and inputs returns that run and starts nothing (idempotent submission).
   *
   * @throws WorkflowValidationException if the workflow or inputs are invalid, or an input
   *     cannot be read back from JSON (the message names it and its type); nothing is recorded
   * @throws IllegalArgumentException if {@code options.runId()} names a run of another workflow or
   *     with other inputs
   * @throws JournalException if the run cannot be recorded (nothing is half-written)
   * @throws IllegalStateException if this engine is closed
   */
  @Override
  public RunHandle start(Workflow workflow, Inputs inputs, RunOptions options) {
    Objects.requireNonNull(options, "options == null");
    requireOpen();
    engine.validate(workflow, inputs);
    ObjectNode json = encodeInputs(workflow, inputs.asMap());
    Definition definition = definitions.get(workflow, DurableEngine::define);
    UUID runId = options.runId() != null ? options.runId() : UUID.randomUUID();
    ObjectNode journaled = JournalJson.MAPPER.createObjectNode();
    journaled.set("limits", JournalJson.MAPPER.valueToTree(options.limits()));
    var created = journal.runTable().create(new RunTable.NewRun(runId, definition.hash(),
        workflow.name(), definition.json(), json.toString(), journaled.toString(),
        options.labels()), owner, leaseEnd());
    if (created.isPresent()) {
      start(created.get(), workflow, inputs, options, Map.of(), Usage.NONE);
    }
    return new DurableRun(this, runId);
  }

  /**
   * A handle on any run of the journal, also one another process started or executes.
   *
   * @throws RunNotFoundException if the journal has no such run
   */
  @Override
  public RunHandle handle(UUID runId) {
    journalRun(runId);
    return new DurableRun(this, runId);
  }

  /** The journal's row of a run. */
  JournalRun journalRun(UUID runId) {
    return journal.run(runId).orElseThrow(
        () -> new RunNotFoundException(runId, "the journal " + journal.file()));
  }

  /** One page of the journal's runs, newest first. */
  @Override
  public RunPage runs(RunQuery query) {
    List<JournalRun> rows = journal.runs(query);
    List<RunInfo> page = new ArrayList<>();
    for (JournalRun row : rows.subList(0, Math.min(rows.size(), query.limit()))) {
      page.add(row.toRunInfo(row.status().isFinal() ? journal.usage(row.runId()) : Usage.NONE));
    }
    return new RunPage(page, rows.size() > query.limit()
        ? RunQuery.cursorOf(page.get(page.size() - 1)) : null);
  }

  @Override
  public Capabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public StepRegistry registry() {
    return engine.registry();
  }

  @Override
  public ValueCodec codec() {
    return codec;
  }

  @Override
  public void validate(Workflow workflow, Inputs inputs) {
    engine.validate(workflow, inputs);
  }

  /** The scheduler event subscriptions poll on. */
  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** The inputs as JSON, each checked to read back as its cell's type. */
  private ObjectNode encodeInputs(Workflow workflow, Map<String, ?> inputs) {
    ObjectNode json = JournalJson.MAPPER.createObjectNode();
    List<String> problems = new ArrayList<>();
    for (Cell<?> input : workflow.inputs()) {
      Object value = inputs.get(input.alias());
      try {
        JsonNode tree = codec.toTree(value);
        codec.fromTree(tree, input.type());
        json.set(input.alias(), tree);
      } catch (ValueCodecException | IllegalArgumentException e) {
        problems.add("run input '" + input.alias() + "' (" + input.type().name() + ") cannot be "
            + "journaled: a resumed run reads it back from JSON, and that fails: "
            + e.getMessage() + ". Make the type a record or give it a @JsonCreator constructor, "
            + "or register a Jackson module for it");
      }
    }
    if (!problems.isEmpty()) {
      throw new WorkflowValidationException("the inputs of a durable run of workflow '"
          + workflow.name() + "'", problems);
    }
    return json;
  }

  private static Definition define(Workflow workflow) {
    String json = workflow.toJson();
    try {
      return new Definition(json, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(json.getBytes(StandardCharsets.UTF_8))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Resumes a failed or cancelled run (or a running one nobody holds) from where it stopped:
   * committed steps keep their results, the others run again with new attempts.
   *
   * @throws RunNotFoundException if the journal has no such run
   * @throws IllegalStateException if the run succeeded, runs in this process, or is leased by
   *     another live process
   */
  @Override
  public synchronized RunHandle resume(UUID runId) {
    requireOpen();
    JournalRun run = journalRun(runId);
    if (isActive(runId) || run.status() == RunStatus.SUCCEEDED) {
      throw new IllegalStateException("run " + runId + " is " + (isActive(runId)
          ? "running in this process" : "succeeded")
          + "; only failed, cancelled or abandoned runs can be resumed");
    }
    OptionalLong epoch = journal.runTable().claim(runId, owner, leaseEnd(), true);
    if (epoch.isEmpty()) {
      throw new IllegalStateException("run " + runId + " is leased by another process ("
          + run.owner() + ") until " + run.leaseUntil());
    }
    restart(new Lease(runId, owner, epoch.getAsLong()));
    return new DurableRun(this, runId);
  }

  private boolean isActive(UUID runId) {
    Execution execution = active.get(runId);
    return execution != null && !execution.done().isDone();
  }

  /**
   * Waits until a run has finished, wherever it executes (in this process, or in another one
   * sharing the journal), or {@code timeout} has passed.
   *
   * @param timeout how long to wait at most, or null for as long as it takes
   * @return the status then
   * @throws RunNotFoundException if the journal has no such run
   * @throws JournalException if this process was executing the run and its journal failed (the
   *     run stays {@code RUNNING} in the journal and is taken over again once the journal can be
   *     written)
   */
  RunStatus await(UUID runId, Duration timeout) {
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    long pause = TimeUnit.MILLISECONDS.toNanos(5);
    while (true) {
      Execution execution = active.get(runId);
      if (execution != null) {
        waitFor(execution, deadline);
      }
      JournalException stopped = stoppedHere.getIfPresent(runId);
      if (stopped != null && stopped.reason() != JournalException.Reason.LEASE_LOST) {
        throw stopped; // a lost lease is no failure: the run goes on elsewhere
      }
      RunStatus status = journalRun(runId).status();
      long left = deadline - System.nanoTime();
      if (status.isFinal() || left <= 0) {
        return status;
      }
      LockSupport.parkNanos(Math.min(pause, left));
      pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(200));
    }
  }

  private static void waitFor(Execution execution, long deadline) {
    try {
      long left = deadline - System.nanoTime();
      if (deadline == Long.MAX_VALUE) {
        execution.done().join();
      } else if (left > 0) {
        execution.done().get(left, TimeUnit.NANOSECONDS);
      }
    } catch (CompletionException | java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof JournalException failure
          && failure.reason() != JournalException.Reason.LEASE_LOST) {
        throw failure;
      }
      // lost the lease: the run goes on elsewhere; its status is in the journal
    } catch (java.util.concurrent.TimeoutException e) {
      // the caller's deadline
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a run", e);
    }
  }

  /**
   * The result of a run: the one this process holds in memory if it executed the run (finished
   * runs' values are kept up to {@link Builder#keptResults}), otherwise one read from the
   * journal once the run has ended, its values decoded from the committed outputs on demand.
   * Waits while the run executes.
   *
   * @throws RunNotFoundException if the journal has no such run
   * @throws JournalException if this process's execution of the run stopped on a journal failure,
   *     (of reason {@code LEASE_LOST} if another process took the run over from this one)
   */
  RunResult result(UUID runId) {
    Execution execution = active.get(runId);
    if (execution != null) {
      try {
        execution.done().join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        throw e;
      }
    }
    JournalException stopped = stoppedHere.getIfPresent(runId);
    if (stopped != null) {
      throw stopped;
    }
    Kept result = kept.getIfPresent(runId);
    if (result != null) {
      return result.result();
    }
    await(runId, null);
    JournalRun run = journalRun(runId);
    Workflow workflow = journal.loadWorkflow(run.workflowHash());
    RunHistory history = JournalHistory.of(journal, run, workflow);
    Instant end = run.finishedAt() != null ? run.finishedAt() : run.createdAt();
    return new RunResult(history.run(), workflow, Duration.between(run.createdAt(), end),
        history::steps, new JournalValues(runId, journal, workflow, codec), null);
  }

  /**
   * Cancels a run: running steps are interrupted, the run is cancelled with {@code reason}.
   *
   * @return false if the run has ended
   * @throws UnsupportedOperationException if the run executes in another process (cancel it
   *     there)
   */
  boolean cancel(UUID runId, String reason) {
    if (engine.cancel(runId, reason)) {
      return true;
    }
    JournalRun run = journalRun(runId);
    if (run.status().isFinal()) {
      return false;
    }
    throw new UnsupportedOperationException("run " + runId + " executes in another process ("
        + run.owner() + "); cancel it through the engine of that process");
  }

  /**
   * Writes a consistent copy of the journal and its value files to {@code target} while runs go
   * on ({@link Journal#backup}).
   *
   * @throws IllegalArgumentException if {@code target} exists
   * @throws JournalException if the copy cannot be written
   */
  public void backup(Path target) {
    journal.backup(target);
  }

  /**
   * Takes over, now, every running run whose lease has run out (its process died) or that nobody
   * holds, and resumes it here. The engine also does this by itself periodically. A run that
   * cannot be read back (its workflow, inputs or committed outputs) is failed with the cause; the
   * others go on.
   *
   * @return how many runs were taken over
   */
  public synchronized int recover() {
    if (closed) {
      return 0;
    }
    int taken = 0;
    for (UUID runId : journal.reader().claimable(journal.clock().instant())) {
      if (isActive(runId)) {
        continue;
      }
      OptionalLong epoch;
      try {
        epoch = journal.runTable().claim(runId, owner, leaseEnd(), false);
      } catch (JournalException e) {
        LOG.warn("cannot take over run {}: {}", runId, e.getMessage());
        break;
      }
      if (epoch.isPresent()) {
        LOG.info("taking over run {}", runId);
        restart(new Lease(runId, owner, epoch.getAsLong()));
        taken++;
      }
    }
    return taken;
  }

  /** Reads a claimed run back from the journal and starts it; fails it if it is unreadable. */
  private void restart(Lease lease) {
    UUID runId = lease.runId();
    Workflow workflow;
    Inputs inputs;
    Map<UUID, ArrayNode> committed;
    Usage usedBefore;
    RunOptions options;
    try {
      JournalRun info = journal.run(runId).orElseThrow(() -> new JournalException("the run "
          + runId + " vanished from the journal", null));
      workflow = journal.loadWorkflow(info.workflowHash());
      engine.validate(workflow);
      inputs = Inputs.fromJson(workflow, journal.runInputs(runId), codec);
      committed = journal.committedOutputs(runId);
      usedBefore = journal.usage(runId);
      options = readOptions(runId);
      start(lease, workflow, inputs, options, committed, usedBefore);
    } catch (RuntimeException e) {
      if (e instanceof JournalException journalFailure && journalFailure.isTransient()) {
        LOG.warn("cannot resume run {} now; it stays resumable: {}", runId, e.getMessage());
        return;
      }
      LOG.error("run {} cannot be resumed and is failed: {}", runId, e.getMessage());
      try {
        journal.runTable().finish(lease, RunStatus.FAILED, "cannot resume: " + e.getMessage());
      } catch (JournalException failure) {
        LOG.warn("cannot record that run {} failed: {}", runId, failure.getMessage());
      }
    }
  }

  private RunOptions readOptions(UUID runId) {
    RunOptions options = defaults.withRunId(runId);
    JsonNode limits = journal.runOptions(runId).map(json -> json.get("limits")).orElse(null);
    if (limits == null || limits.isNull()) {
      return options;
    }
    try {
      return options.withLimits(JournalJson.MAPPER.treeToValue(limits, UsageLimits.class));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new JournalException("the usage limits of run " + runId + " are corrupt: "
          + e.getMessage(), e);
    }
  }

  private void start(Lease lease, Workflow workflow, Inputs inputs, RunOptions options,
      Map<UUID, ArrayNode> committed, Usage usedBefore) {
    UUID runId = lease.runId();
    CompletableFuture<RunResult> done = new CompletableFuture<>();
    Execution execution = new Execution(lease, done);
    active.put(runId, execution);
    stoppedHere.invalidate(runId);
    LongAdder bytes = new LongAdder();
    committed.values().forEach(outputs -> bytes.add(outputs.toString().length()));
    try {
      EngineAccess.startJournaled(engine, workflow, inputs, options, new JournaledRun(runId,
              journal.attemptLog().forRun(lease, bytes), committed, usedBefore,
              journal.lastEventSequence(runId) + 1, journal::appendEvent))
          .whenComplete((result, error) -> finished(execution, result, error, bytes.sum()));
    } catch (RuntimeException e) {
      active.remove(runId, execution);
      done.completeExceptionally(e);
      throw e;
    }
  }

  /** Records how a run ended (unless the journal failed under it) and keeps its result. */
  private void finished(Execution execution, RunResult result, Throwable error, long bytes) {
    Lease lease = execution.lease();
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof UsageLimitExceededException limit) {
      result = limit.result();
      cause = null;
    }
    if (cause != null) {
      LOG.warn("run {} stopped in this process; it stays resumable in the journal: {}",
          lease.runId(), cause.getMessage());
      if (cause instanceof JournalException stopped) {
        stoppedHere.put(lease.runId(), stopped);
      }
      execution.done().completeExceptionally(cause);
      active.remove(lease.runId(), execution);
      return;
    }
    try {
      ErrorInfo failure = result.info().error();
      journal.runTable().finish(lease, result.status(), failure == null ? null
          : JournalJson.MAPPER.valueToTree(new ErrorInfo(failure.type(), failure.message(),
              failure.retryable(), null)).toString());
    } catch (JournalException e) {
      LOG.warn("cannot record the end of run {}; it stays resumable: {}", lease.runId(),
          e.getMessage());
      stoppedHere.put(lease.runId(), e);
      execution.done().completeExceptionally(e);
      active.remove(lease.runId(), execution);
      return;
    }
    int floor = (int) Math.min(Integer.MAX_VALUE, Math.max(1, keptBytes / keptRuns));
    kept.put(lease.runId(), new Kept(result, (int) Math.min(Integer.MAX_VALUE,
        Math.max(floor, bytes))));
    execution.done().complete(result);
    active.remove(lease.runId(), execution);
  }

  private Instant leaseEnd() {
    return journal.clock().instant().plus(lease);
  }

  /** Renews the leases of the runs executing here; stops those whose lease was lost. */
  private void renew() {
    if (heartbeatPaused || active.isEmpty()) {
      return;
    }
    List<Lease> leases = new ArrayList<>();
    for (Execution execution : active.values()) {
      if (!execution.done().isDone()) {
        leases.add(execution.lease());
      }
    }
    try {
      Set<UUID> lost = journal.runTable().renew(leases, leaseEnd());
      for (UUID runId : lost) {
        LOG.warn("run {} lost its lease to another process; stopping it here", runId);
        engine.cancel(runId, "this process lost the run's lease");
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot renew the leases of {}: {}", owner, e.getMessage());
    }
  }

  private void scan() {
    try {
      recover();
    } catch (RuntimeException e) {
      LOG.warn("cannot look for runs to take over: {}", e.getMessage());
    }
  }

  /** Stops or resumes lease renewal: a test hook that simulates a process paused past its lease. */
  void pauseHeartbeat(boolean paused) {
    heartbeatPaused = paused;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the durable engine is closed; open a new one");
    }
  }

  /**
   * Stops renewing leases and taking over runs, and shuts the engine down; runs still executing
   * are abandoned (their leases run out and another process, or the next engine, resumes them).
   * Kept results are discarded.
   */
  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    engine.close();
    workers.shutdown();
    kept.invalidateAll();
  }

  /** Configures a {@link DurableEngine}; every setting but the journal has a default. */
  public static final class Builder {
    private final Journal journal;
    private StepRegistry registry;
    private Duration lease = Duration.ofSeconds(30);
    private Duration takeoverInterval;
    private int maxConcurrency = Runtime.getRuntime().availableProcessors();
    private int workerThreads = 64;
    private Resources resources = Resources.NONE;
    private RunOptions defaults = RunOptions.DEFAULT;
    private int keptRuns = 1_000;
    private long keptBytes = 256L << 20;
    private final List<Module> jacksonModules = new ArrayList<>();

    private Builder(Journal journal) {
      this.journal = journal;
    }

    /**
     * Adds a Jackson module for value types Jackson cannot handle on its own; it serializes this
     * engine's inputs, outputs and retry copies (see {@link Engine.Builder#jacksonModule}). Every
     * process that shares the journal needs the same modules to read the values back.
     */
    public Builder jacksonModule(Module module) {
      jacksonModules.add(Objects.requireNonNull(module, "module == null"));
      return this;
    }

    /** Where steps are found; default {@link StepRegistry#loadDefault()}. */
    public Builder registry(StepRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry == null");
      return this;
    }

    /**
     * How long a run stays leased to this process without a heartbeat; a dead process's runs
     * are taken over after it. Default 30 s.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder lease(Duration lease) {
      if (lease.isZero() || lease.isNegative()) {
        throw new IllegalArgumentException("the lease must be positive, not " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * How often to look for runs to take over; default a third of the lease.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder takeoverInterval(Duration interval) {
      if (interval.isZero() || interval.isNegative()) {
        throw new IllegalArgumentException("the takeover interval must be positive, not "
            + interval);
      }
      this.takeoverInterval = interval;
      return this;
    }

    /** The most steps of one run executing at once; default the number of processors. */
    public Builder maxConcurrency(int maxConcurrency) {
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    /**
     * Threads that execute steps across all runs; default 64. Steps wait for their journal
     * writes on these threads, and the waiting ones share commits, so more threads mean larger
     * group commits under load.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder workerThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("workerThreads must be at least 1, not " + threads);
      }
      this.workerThreads = threads;
      return this;
    }

    /** Resources for steps (the journal's {@link JournalEffects} are added); default none. */
    public Builder resources(Resources resources) {
      this.resources = Objects.requireNonNull(resources, "resources == null");
      return this;
    }

    /**
     * The options of runs this engine resumes or takes over: their context factory, context rule
     * and listeners (limits and ID come from the journal). Default {@link RunOptions#DEFAULT}.
     */
    public Builder defaults(RunOptions defaults) {
      this.defaults = Objects.requireNonNull(defaults, "defaults == null");
      return this;
    }

    /**
     * How many finished runs keep their values in memory for {@link DurableEngine#result}, and
     * their total size (JSON characters of their outputs); Caffeine's policy (W-TinyLFU) picks
     * which to discard. Each run counts at least {@code maxBytes / maxRuns}, so neither bound is
     * exceeded.
     * Default 1,000 runs and 256 MiB.
     *
     * @throws IllegalArgumentException if a bound is below 1
     */
    public Builder keptResults(int maxRuns, long maxBytes) {
      if (maxRuns < 1 || maxBytes < 1) {
        throw new IllegalArgumentException("keptResults needs at least 1 run and 1 byte, not "
            + maxRuns + " and " + maxBytes);
      }
      this.keptRuns = maxRuns;
      this.keptBytes = maxBytes;
      return this;
    }

    /**
     * Opens the engine and resumes every run left running whose lease has run out. A run that
     * cannot be read back is failed with its cause; it never stops the engine from opening.
     */
    public DurableEngine open() {
      if (registry == null) {
        registry = StepRegistry.loadDefault();
      }
      if (takeoverInterval == null) {
        takeoverInterval = lease.dividedBy(3);
      }
      DurableEngine engine = new DurableEngine(this);
      try {
        engine.recover();
      } catch (RuntimeException e) {
        LOG.warn("cannot look for runs to take over: {}", e.getMessage());
      }
      return engine;
    }
  }
}
