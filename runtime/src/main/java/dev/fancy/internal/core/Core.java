package dev.fancy.internal.core;

import com.fasterxml.jackson.databind.Module;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fancy.cache.InMemoryStepCache;
import dev.fancy.cache.StepCache;
import dev.fancy.frame.Resources;
import dev.fancy.frame.Usage;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.AttemptInterceptor;
import dev.fancy.run.Capabilities;
import dev.fancy.run.Capability;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunListener;
import dev.fancy.run.RunNotFoundException;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunPage;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.store.DatumStore;
import dev.fancy.store.FileDatumStore;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueCodecException;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The hidden execution core: checks workflows into plans, starts runs on them (in memory, or
 * journaled when a durable engine hands it a {@link JournaledRun}), and keeps the runs it
 * executes and its most recent finished ones. The front doors ({@code Engine},
 * {@code DurableEngine}) are thin and sit above it; it never names them and is handed its
 * services by them.
 */
public final class Core {

  private final StepRegistry registry;
  private final ExecutorService ownedExecutor;
  private final EngineServices services;
  private final TimedAttempts timedAttempts;
  private final LazyThreadPool<ExecutorService> flowThreads = LazyThreadPool.cached("fancy-flow-");
  private final LazyThreadPool<ScheduledExecutorService> timer =
      LazyThreadPool.timer("fancy-timer-");
  private final Ticker ticker;
  /** The reference store the engine made itself (in a temporary directory), or null. */
  private final FileDatumStore ownedReferences;
  private volatile boolean closed;
  private final Map<UUID, LocalRun> running = new java.util.concurrent.ConcurrentHashMap<>();
  /** Finished runs kept for {@link #handle} and {@link #runs}, weighed by their step count. */
  private final Cache<UUID, LocalRun> finished;
  private final LazyThreadPool<ExecutorService> eventThreads =
      LazyThreadPool.cached("fancy-events-");
  private final Clock clock = Clock.systemUTC();

  /** What a null {@code inputs} argument is told. */
  public static final String NO_INPUTS =
      "inputs == null; pass Inputs.none() for a workflow without inputs";
  /** What a null {@code options} argument is told. */
  public static final String NO_OPTIONS =
      "options == null; pass RunOptions.DEFAULT, or call the method without options";

  private static final Capabilities CAPABILITIES = Capabilities.all()
      .without(Capability.DURABLE_RUNS, "the in-memory engine keeps runs in this process only")
      .without(Capability.RESUME, "the in-memory engine keeps no journal to resume a run from; "
          + "use a DurableEngine")
      .without(Capability.TRANSACTIONAL_EFFECTS, "the in-memory engine has no journal to commit "
          + "effects with results");
  /**
   * Checked plans by workflow object (identity). Keys are weak and values soft: a plan refers to
   * its workflow, so a strong value would keep every key alive forever; a soft one lets both go
   * under memory pressure or once the workflow is unreachable.
   */
  private final Cache<Workflow, ExecutionPlan> plans =
      Caffeine.newBuilder().weakKeys().softValues().build();

  /**
   * What a front door configures.
   *
   * @param registry where steps are found
   * @param executor the workers, or null for a fixed pool of {@code maxConcurrency} daemon
   *     threads that {@link #close()} shuts down
   * @param valueStore where VALUE cells go, or null for an array per run
   * @param referenceStore where REFERENCE cells go, or null for a temporary directory that
   *     {@link #close()} deletes
   * @param cache the step cache, or null for an in-memory one of 10,000 entries
   * @param keptSteps how many workflow steps' worth of finished runs to keep for handles
   * @param ticker when backoffs and timeouts end, or null for real time
   */
  public record Settings(StepRegistry registry, Executor executor, int maxConcurrency,
      int maxTimedAttempts, DatumStore valueStore, DatumStore referenceStore, StepCache cache,
      Resources resources, List<AttemptInterceptor> interceptors, List<RunListener> listeners,
      List<Module> jacksonModules, long keptSteps, Ticker ticker) {}

  /** A core with {@code builder}'s settings. */
  public Core(Settings builder) {
    this.registry = builder.registry() != null ? builder.registry() : StepRegistry.loadDefault();
    // Its upkeep (eviction) runs on the thread that adds a run, not on the common pool: every
    // run adds one, and handing the upkeep to another thread woke one per run (7% of the CPU
    // of a chain of 100 trivial steps).
    this.finished = Caffeine.newBuilder().maximumWeight(builder.keptSteps())
        .weigher((UUID id, LocalRun run) -> run.weight()).executor(Runnable::run).build();
    Executor executor;
    if (builder.executor() != null) {
      executor = builder.executor();
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = Executors.newFixedThreadPool(builder.maxConcurrency(),
          LazyThreadPool.daemonThreads("fancy-engine-"));
      executor = ownedExecutor;
    }
    ValueCodec codec = ValueCodec.defaults().withModules(builder.jacksonModules());
    DatumStore references = builder.referenceStore();
    if (references == null) {
      ownedReferences = new FileDatumStore(Path.of(System.getProperty("java.io.tmpdir"),
          "fancy-values-" + UUID.randomUUID()), codec);
      references = ownedReferences;
    } else {
      ownedReferences = null;
    }
    this.ticker = builder.ticker() != null ? builder.ticker() : Ticker.system(timer::get);
    Lingering lingering = new Lingering();
    this.timedAttempts = new TimedAttempts(builder.maxTimedAttempts(), ticker, lingering);
    this.services = new EngineServices(executor, builder.maxConcurrency(),
        builder.valueStore(),
        references, builder.cache() != null ? builder.cache() : new InMemoryStepCache(10_000),
        codec, builder.resources(), List.copyOf(builder.interceptors()),
        List.copyOf(builder.listeners()), timedAttempts, flowThreads::get, ticker, new SingleFlight(),
        lingering);
  }

  /** The registry steps are looked up in. */
  public StepRegistry registry() {
    return registry;
  }

  /** The codec values are converted to and from JSON with. */
  public ValueCodec codec() {
    return services.codec();
  }

  /**
   * Attempts given up on whose code is still running because it ignores interrupts: timed out
   * ones (each holds one of the threads for timed attempts, {@link Settings#maxTimedAttempts}) and
   * ones abandoned when a stopped run's cancel grace ran out.
   */
  public int lingeringAttempts() {
    return services.lingering().count();
  }

  /**
   * Checks {@code workflow} against the registry without running it.
   *
   * @throws WorkflowValidationException listing every problem
   */
  public void validate(Workflow workflow) {
    plan(workflow);
  }

  /**
   * Checks {@code workflow} against the registry and {@code inputs} against the workflow without
   * running anything.
   *
   * @throws WorkflowValidationException listing every problem
   */
  public void validate(Workflow workflow, Inputs inputs) {
    Objects.requireNonNull(inputs, NO_INPUTS);
    plan(workflow).bindSources(inputs.asMap(), services.codec());
  }

  /**
   * Starts {@code workflow} and returns at once; the workflow and the inputs are checked before
   * this returns.
   *
   * @throws WorkflowValidationException if the workflow or the inputs are invalid (missing,
   *     unknown or mistyped inputs; nothing ran then)
   * @throws IllegalStateException if the engine is closed
   */
  public RunHandle start(Workflow workflow, Inputs inputs, RunOptions options) {
    return start(workflow, inputs, options, null);
  }

  /**
   * Starts a journaled run for a durable engine (see {@link #start(Workflow, Inputs, RunOptions,
   * JournaledRun)}).
   *
   * @return completes with the result; exceptionally with the journal's exception if the journal
   *     failed (the run stopped here without further writes), or with a
   *     {@code UsageLimitExceededException}
   */
  public CompletableFuture<RunResult> startJournaled(Workflow workflow, Inputs inputs,
      RunOptions options, JournaledRun journaled) {
    return start(workflow, inputs, options, Objects.requireNonNull(journaled, "journaled == null"))
        .done();
  }

  /**
   * Starts a run, journaled for durable engines: under
   * {@code journaled.runId()}, recording its attempts in {@code journaled.journal()}, with the
   * steps whose outputs are in {@code journaled.committed()} restored instead of run.
   *
   * @param journaled the run's journal and what it committed before, or null for an in-memory run
   * @throws WorkflowValidationException as for {@link #start(Workflow, Inputs, RunOptions)}
   * @throws IllegalStateException if the engine is closed, or a committed output cannot be read
   *     back as its cell's type (nothing ran then)
   */
  LocalRun start(Workflow workflow, Inputs inputs, RunOptions options,
      JournaledRun journaled) {
    Objects.requireNonNull(inputs, NO_INPUTS);
    Objects.requireNonNull(options, NO_OPTIONS);
    if (closed) {
      throw new IllegalStateException("the engine is closed; build a new one to run workflows");
    }
    ExecutionPlan plan = plan(workflow);
    Object[] values = plan.bindSources(inputs.asMap(), services.codec());
    Object[][] restored = journaled == null ? null : restore(plan, journaled);
    UUID runId = journaled != null ? journaled.runId()
        : options.runId() != null ? options.runId() : RunOptions.newRunId();
    if (journaled == null && (running.containsKey(runId) || finished.getIfPresent(runId) != null)) {
      throw new IllegalArgumentException("run " + runId + " exists already in this engine; "
          + "leave RunOptions.runId unset for a new ID");
    }
    Object context = options.context() == null ? null : options.context().apply(inputs);
    List<RunListener> listeners = new ArrayList<>(services.listeners());
    listeners.addAll(options.listeners());
    EventLog events = new EventLog(runId, services.codec(), eventThreads.get(),
        clock.instant(), System.nanoTime(),
        journaled == null ? 1 : journaled.firstEventSequence(),
        journaled == null ? null : journaled.events(), listeners, plan.steps.length);
    RunExecution execution = new RunExecution(plan, runId, services, options, context, null,
        -1, journaled == null ? null : journaled.journal(),
        journaled == null ? Usage.NONE : journaled.usedBefore(), restored, events);
    CompletableFuture<RunResult> done = new CompletableFuture<>();
    LocalRun run = new LocalRun(execution, done, events, options.labels());
    running.put(runId, run);
    execution.start(values).whenComplete((result, error) -> {
      finished.put(runId, run);
      running.remove(runId, run);
      if (error != null) {
        done.completeExceptionally(error);
      } else {
        done.complete(result);
      }
    });
    return run;
  }

  /** The committed outputs of a resumed run, decoded per step before anything starts. */
  private Object[][] restore(ExecutionPlan plan, JournaledRun journaled) {
    Object[][] restored = new Object[plan.steps.length][];
    for (int s = 0; s < plan.steps.length; s++) {
      var outputs = journaled.committed().get(plan.steps[s].id());
      if (outputs != null) {
        try {
          restored[s] = plan.decodeOutputs(s, outputs, services.codec());
        } catch (ValueCodecException | IllegalStateException e) {
          throw new IllegalStateException("the committed outputs of step '"
              + plan.steps[s].slug() + "' (" + plan.steps[s].id() + ") cannot be read back: "
              + e.getMessage(), e);
        }
      }
    }
    return restored;
  }

  /**
   * Stops a run this engine is executing: pending steps are skipped, running ones interrupted
   * and recorded cancelled; the run ends {@link RunStatus#CANCELLED}.
   *
   * @return whether the run was executing here
   */
  public boolean cancel(UUID runId, String reason) {
    LocalRun run = running.get(runId);
    return run != null && run.cancel(Objects.requireNonNull(reason, "reason == null"));
  }

  /**
   * Deletes a finished run this engine keeps, with its values.
   *
   * @return false if the engine holds no such run
   * @throws IllegalStateException if the run has not finished
   */
  public boolean delete(UUID runId) {
    LocalRun run = running.get(runId);
    if (run == null) {
      run = finished.getIfPresent(runId);
    }
    if (run == null) {
      return false;
    }
    if (!run.done().isDone()) {
      throw new IllegalStateException("run " + runId + " is " + run.status() + ", not finished; "
          + "cancel it or wait for it to end, then delete it");
    }
    forget(runId);
    return true;
  }

  /**
   * Drops a finished run from the ones this engine keeps and discards its values (a durable
   * engine deleted it from its journal).
   */
  public void forget(UUID runId) {
    LocalRun run = finished.asMap().remove(runId);
    if (run != null) {
      run.discardValues();
    }
  }

  /**
   * A handle on a run this engine executes, or one of the finished runs it keeps (the most recent
   * ones, up to {@link Settings#keptSteps} workflow steps in all).
   *
   * @throws RunNotFoundException if the engine does not hold the run
   */
  public RunHandle handle(UUID runId) {
    Objects.requireNonNull(runId, "runId == null");
    LocalRun run = running.get(runId);
    if (run == null) {
      run = finished.getIfPresent(runId);
    }
    if (run == null) {
      throw new RunNotFoundException(runId, "this in-memory engine (it keeps the runs it executes "
          + "and its most recent finished ones)");
    }
    return run;
  }

  /**
   * Not supported: an in-memory engine keeps no journal to resume from. Use a
   * {@code DurableEngine}.
   *
   * @throws UnsupportedOperationException always
   */
  public RunHandle resume(UUID runId) {
    throw new UnsupportedOperationException(CAPABILITIES.reasonMissing(Capability.RESUME)
        .orElseThrow());
  }

  /** The runs this engine executes and the finished ones it keeps, newest first. */
  public RunPage runs(RunQuery query) {
    List<RunInfo> all = new ArrayList<>();
    for (LocalRun run : running.values()) {
      all.add(run.info());
    }
    for (LocalRun run : finished.asMap().values()) {
      all.add(run.info());
    }
    return query.page(all);
  }

  public Capabilities capabilities() {
    return CAPABILITIES;
  }

  private ExecutionPlan plan(Workflow workflow) {
    Objects.requireNonNull(workflow, "workflow == null");
    return plans.get(workflow, w -> ExecutionPlan.compile(w, registry));
  }

  /**
   * Stops accepting runs and shuts down the engine's own worker threads (not an executor passed
   * to the builder); runs already started finish. Deletes the temporary directory of
   * {@code REFERENCE} values if the engine made one.
   *
   * @throws dev.fancy.store.DatumStoreException if the temporary values cannot be deleted
   */
  public void close() {
    finished.invalidateAll();
    closed = true;
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    timedAttempts.shutdown();
    flowThreads.shutdown();
    eventThreads.shutdown();
    timer.shutdown();
    if (ownedReferences != null) {
      ownedReferences.deleteAll();
    }
  }
}
