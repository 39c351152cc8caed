package dev.fancy.engine;

import com.fasterxml.jackson.databind.Module;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fancy.cache.InMemoryStepCache;
import dev.fancy.cache.StepCache;
import dev.fancy.engine.spi.EngineAccess;
import dev.fancy.engine.spi.JournaledRun;
import dev.fancy.frame.Resources;
import dev.fancy.frame.Usage;
import dev.fancy.registry.StepRegistry;
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
import dev.fancy.run.WorkflowEngine;
import dev.fancy.store.DatumStore;
import dev.fancy.store.FileDatumStore;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueCodecException;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Runs workflows in this JVM. Before any step runs, the workflow is checked against the registry
 * (slugs, versions, wiring, types) and the run's inputs are checked against the workflow; problems
 * are reported together as a {@link WorkflowValidationException} and nothing is executed or stored.
 *
 * <p>Independent steps run in parallel on the engine's executor, at most
 * {@code maxConcurrency} at a time. Each step reads its inputs from the datum stores, is invoked
 * through its registered (generated, reflection-free) invoker, and its outputs are stored:
 * {@code REFERENCE} cells in the reference store, all others in the value store. A failing step
 * fails the run; the steps that depend on it are skipped, independent steps still run (as in
 * Airflow and Dagster).
 *
 * <pre>{@code
 * try (Engine engine = Engine.inMemory()) {
 *   RunResult result = engine.run(workflow, Map.of("file", Path.of("weather.csv")));
 *   Report report = result.requireSucceeded().get(reportCell);
 * }
 * }</pre>
 */
public final class Engine implements WorkflowEngine {

  private final StepRegistry registry;
  private final ExecutorService ownedExecutor;
  private final EngineServices services;
  private final TimedAttempts timedAttempts;
  private final LazyThreadPool<ExecutorService> flowThreads = LazyThreadPool.cached("fancy-flow-");
  private final LazyThreadPool<ScheduledExecutorService> timer =
      LazyThreadPool.timer("fancy-timer-");
  /** The reference store the engine made itself (in a temporary directory), or null. */
  private final FileDatumStore ownedReferences;
  private volatile boolean closed;
  private final Map<UUID, LocalRun> running = new java.util.concurrent.ConcurrentHashMap<>();
  /** Finished runs kept for {@link #handle} and {@link #runs}, weighed by their step count. */
  private final Cache<UUID, LocalRun> finished;
  private final LazyThreadPool<ExecutorService> eventThreads =
      LazyThreadPool.cached("fancy-events-");
  private final Clock clock = Clock.systemUTC();

  private static final Capabilities CAPABILITIES = Capabilities.all()
      .without(Capability.DURABLE_RUNS, "the in-memory engine keeps runs in this process only")
      .without(Capability.RESUME, "the in-memory engine keeps no journal to resume a run from; "
          + "use a DurableEngine")
      .without(Capability.TRANSACTIONAL_EFFECTS, "the in-memory engine has no journal to commit "
          + "effects with results")
      .without(Capability.SINGLE_FLIGHT_CACHE, "identical cached steps running at the same time "
          + "each compute");
  /**
   * Checked plans by workflow object (identity). Keys are weak and values soft: a plan refers to
   * its workflow, so a strong value would keep every key alive forever; a soft one lets both go
   * under memory pressure or once the workflow is unreachable.
   */
  private final Cache<Workflow, ExecutionPlan> plans =
      Caffeine.newBuilder().weakKeys().softValues().build();

  private Engine(Builder builder) {
    this.registry = builder.registry != null ? builder.registry : StepRegistry.loadDefault();
    this.finished = Caffeine.newBuilder().maximumWeight(builder.keptSteps)
        .weigher((UUID id, LocalRun run) -> run.weight()).build();
    Executor executor;
    if (builder.executor != null) {
      executor = builder.executor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = Executors.newFixedThreadPool(builder.maxConcurrency,
          LazyThreadPool.daemonThreads("fancy-engine-"));
      executor = ownedExecutor;
    }
    ValueCodec codec = ValueCodec.defaults().withModules(builder.jacksonModules);
    DatumStore references = builder.referenceStore;
    if (references == null) {
      ownedReferences = new FileDatumStore(Path.of(System.getProperty("java.io.tmpdir"),
          "fancy-values-" + UUID.randomUUID()), codec);
      references = ownedReferences;
    } else {
      ownedReferences = null;
    }
    this.timedAttempts = new TimedAttempts(builder.maxTimedAttempts);
    this.services = new EngineServices(executor, builder.maxConcurrency,
        builder.valueStore,
        references, builder.cache != null ? builder.cache : new InMemoryStepCache(10_000),
        codec, builder.resources, List.copyOf(builder.interceptors),
        List.copyOf(builder.listeners), timedAttempts, flowThreads::get, timer::get);
  }

  /**
   * An engine with the default registry ({@link StepRegistry#loadDefault()}), values in memory,
   * {@code REFERENCE} values in a temporary directory that {@link #close()} deletes, and one
   * worker thread per processor.
   */
  public static Engine inMemory() {
    return builder().build();
  }

  /** A builder with the defaults of {@link #inMemory()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The registry steps are looked up in. */
  @Override
  public StepRegistry registry() {
    return registry;
  }

  /** The codec values are converted to and from JSON with. */
  @Override
  public ValueCodec codec() {
    return services.codec();
  }

  /**
   * Attempts that timed out but whose code is still running because it ignores interrupts; each
   * holds one of the threads for timed attempts ({@link Builder#maxTimedAttempts}).
   */
  public int lingeringAttempts() {
    return timedAttempts.lingering();
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
  @Override
  public void validate(Workflow workflow, Inputs inputs) {
    Objects.requireNonNull(inputs, "inputs == null");
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
  @Override
  public RunHandle start(Workflow workflow, Inputs inputs, RunOptions options) {
    return start(workflow, inputs, options, null);
  }

  static {
    EngineAccess.setStarter((engine, workflow, inputs, options, journaled) ->
        engine.start(workflow, inputs, options, journaled).done());
  }

  /**
   * Starts a run, journaled for durable engines (through {@link EngineAccess}): under
   * {@code journaled.runId()}, recording its attempts in {@code journaled.journal()}, with the
   * steps whose outputs are in {@code journaled.committed()} restored instead of run.
   *
   * @param journaled the run's journal and what it committed before, or null for an in-memory run
   * @throws WorkflowValidationException as for {@link #start(Workflow, Inputs, RunOptions)}
   * @throws IllegalStateException if the engine is closed, or a committed output cannot be read
   *     back as its cell's type (nothing ran then)
   */
  private LocalRun start(Workflow workflow, Inputs inputs, RunOptions options,
      JournaledRun journaled) {
    Objects.requireNonNull(inputs, "inputs == null");
    Objects.requireNonNull(options, "options == null");
    if (closed) {
      throw new IllegalStateException("the engine is closed; build a new one to run workflows");
    }
    ExecutionPlan plan = plan(workflow);
    Object[] values = plan.bindSources(inputs.asMap(), services.codec());
    Object[][] restored = journaled == null ? null : restore(plan, journaled);
    UUID runId = journaled != null ? journaled.runId()
        : options.runId() != null ? options.runId() : UUID.randomUUID();
    if (journaled == null && (running.containsKey(runId) || finished.getIfPresent(runId) != null)) {
      throw new IllegalArgumentException("run " + runId + " exists already in this engine; "
          + "leave RunOptions.runId unset for a new ID");
    }
    Object context = options.context() == null ? null : options.context().apply(inputs);
    List<RunListener> listeners = new ArrayList<>(services.listeners());
    listeners.addAll(options.listeners());
    EventLog events = new EventLog(runId, services.codec(), eventThreads.get(), clock,
        journaled == null ? 1 : journaled.firstEventSequence(),
        journaled == null ? null : journaled.events(), listeners);
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
   * A handle on a run this engine executes, or one of the finished runs it keeps (the most recent
   * ones, up to {@link Builder#keptSteps} workflow steps in all).
   *
   * @throws RunNotFoundException if the engine does not hold the run
   */
  @Override
  public RunHandle handle(UUID runId) {
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
  @Override
  public RunHandle resume(UUID runId) {
    throw new UnsupportedOperationException(CAPABILITIES.reasonMissing(Capability.RESUME)
        .orElseThrow());
  }

  /** The runs this engine executes and the finished ones it keeps, newest first. */
  @Override
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

  @Override
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
  @Override
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

  /** Configures an {@link Engine}; every setting has a default. */
  public static final class Builder {
    private StepRegistry registry;
    private Executor executor;
    private int maxConcurrency = Runtime.getRuntime().availableProcessors();
    private int maxTimedAttempts = 256;
    private DatumStore valueStore;
    private DatumStore referenceStore;
    private StepCache cache;
    private Resources resources = Resources.NONE;
    private final List<AttemptInterceptor> interceptors = new ArrayList<>();
    private final List<RunListener> listeners = new ArrayList<>();
    private final List<Module> jacksonModules = new ArrayList<>();
    private long keptSteps = 100_000;

    private Builder() {}

    /**
     * Adds a Jackson module to this engine's codec, for value types Jackson cannot handle on its
     * own; it applies to every value this engine serializes (cache keys and entries, retry copies,
     * the reference store it makes itself, journals) and to no other engine. A reference store
     * passed to {@link #referenceStore} serializes with its own codec.
     */
    public Builder jacksonModule(Module module) {
      jacksonModules.add(Objects.requireNonNull(module, "module == null"));
      return this;
    }

    /** Where cached step results go; default an in-memory LRU cache of 10,000 entries. */
    public Builder cache(StepCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache == null");
      return this;
    }

    /** Resources steps reach through their frame; default none. */
    public Builder resources(Resources resources) {
      this.resources = Objects.requireNonNull(resources, "resources == null");
      return this;
    }

    /** Adds an interceptor around every attempt of every step; interceptors run in order. */
    public Builder interceptor(AttemptInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor == null"));
      return this;
    }

    /** Adds a listener to every run of the engine. */
    public Builder listener(RunListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    /** The registry to find steps in; default {@link StepRegistry#loadDefault()}. */
    public Builder registry(StepRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry == null");
      return this;
    }

    /**
     * The executor steps run on; the engine never shuts it down. Default: a fixed pool of
     * {@code maxConcurrency} daemon threads owned (and closed) by the engine.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor == null");
      return this;
    }

    /**
     * The most steps of one run that execute at the same time; default: the number of
     * processors.
     *
     * @throws IllegalArgumentException if {@code maxConcurrency < 1}
     */
    public Builder maxConcurrency(int maxConcurrency) {
      if (maxConcurrency < 1) {
        throw new IllegalArgumentException("maxConcurrency must be at least 1 but is "
            + maxConcurrency);
      }
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    /**
     * The most attempts with a timeout that run at the same time across all runs, each on a
     * thread of its own; default 256. Attempts that timed out but ignore interrupts keep their
     * thread ({@link Engine#lingeringAttempts()}); when all are taken, further timed attempts
     * fail at once with a message saying so.
     *
     * @throws IllegalArgumentException if {@code max < 1}
     */
    public Builder maxTimedAttempts(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxTimedAttempts must be at least 1 but is " + max);
      }
      this.maxTimedAttempts = max;
      return this;
    }

    /**
     * Where {@code VALUE} and {@code COMPOSITE} cells are stored. By default they stay in memory,
     * as Java objects (no copy, no serialization) in an array per run that its
     * {@link RunResult} holds until {@link RunResult#discard()} or until it is unreachable.
     */
    public Builder valueStore(DatumStore store) {
      this.valueStore = Objects.requireNonNull(store, "store == null");
      return this;
    }

    /**
     * Where {@code REFERENCE} cells are stored; default files in a temporary directory that the
     * engine deletes when closed.
     */
    public Builder referenceStore(DatumStore store) {
      this.referenceStore = Objects.requireNonNull(store, "store == null");
      return this;
    }

    /** Builds the engine. */
    /**
     * How many finished runs the engine keeps for {@link Engine#handle} and {@link Engine#runs},
     * weighed by their workflow steps: runs are dropped oldest first once their steps add up to
     * more than {@code steps} (default 100,000). A dropped run's result stays usable by whoever
     * holds it.
     *
     * @throws IllegalArgumentException if {@code steps < 0}
     */
    public Builder keptSteps(long steps) {
      if (steps < 0) {
        throw new IllegalArgumentException("keptSteps " + steps + " < 0");
      }
      this.keptSteps = steps;
      return this;
    }

    /** The engine. */
    public Engine build() {
      return new Engine(this);
    }
  }
}
