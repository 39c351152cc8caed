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
import dev.fancy.store.DatumStore;
import dev.fancy.store.FileDatumStore;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueCodecException;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.nio.file.Path;
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
public final class Engine implements AutoCloseable {

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
  private final Map<UUID, RunExecution> running = new java.util.concurrent.ConcurrentHashMap<>();
  /**
   * Checked plans by workflow object (identity). Keys are weak and values soft: a plan refers to
   * its workflow, so a strong value would keep every key alive forever; a soft one lets both go
   * under memory pressure or once the workflow is unreachable.
   */
  private final Cache<Workflow, ExecutionPlan> plans =
      Caffeine.newBuilder().weakKeys().softValues().build();

  private Engine(Builder builder) {
    this.registry = builder.registry != null ? builder.registry : StepRegistry.loadDefault();
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
  public StepRegistry registry() {
    return registry;
  }

  /** The codec values are converted to and from JSON with. */
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
  public void validate(Workflow workflow, Map<String, ?> inputs) {
    plan(workflow).bindSources(inputs, services.codec());
  }

  /**
   * Runs {@code workflow} with typed inputs and waits for it to finish.
   *
   * @return the result; a failed step makes a {@link RunStatus#FAILED} result, not an exception
   * @throws WorkflowValidationException if the workflow or the inputs are invalid (nothing ran)
   * @throws IllegalStateException if the engine is closed
   */
  public RunResult run(Workflow workflow, Inputs inputs) {
    return run(workflow, inputs.asMap(), RunOptions.DEFAULT);
  }

  /**
   * Runs {@code workflow} with typed inputs and per-run options, and waits for it to finish.
   *
   * @throws WorkflowValidationException if the workflow or the inputs are invalid
   * @throws UsageLimitExceededException if the run's usage exceeded its limits
   * @throws IllegalStateException if the engine is closed
   */
  public RunResult run(Workflow workflow, Inputs inputs, RunOptions options) {
    return run(workflow, inputs.asMap(), options);
  }

  /**
   * Starts {@code workflow} with typed inputs and per-run options; returns at once.
   *
   * @throws WorkflowValidationException as for {@link #run}
   * @throws IllegalStateException if the engine is closed
   */
  public CompletableFuture<RunResult> start(Workflow workflow, Inputs inputs,
      RunOptions options) {
    return start(workflow, inputs.asMap(), options);
  }

  /**
   * Runs {@code workflow} and waits for it to finish.
   *
   * @param inputs a value for every workflow input, by input alias
   * @return the result; a failed step makes a {@link RunStatus#FAILED} result, not an exception
   * @throws WorkflowValidationException if the workflow or the inputs are invalid (missing,
   *     unknown or mistyped inputs; nothing ran then)
   * @throws IllegalStateException if the engine is closed
   */
  public RunResult run(Workflow workflow, Map<String, ?> inputs) {
    return run(workflow, inputs, RunOptions.DEFAULT);
  }

  /**
   * Runs {@code workflow} with per-run options and waits for it to finish.
   *
   * @param inputs a value for every workflow input, by input alias
   * @param options usage limits, the run context and listeners of this run
   * @return the result; a failed step makes a {@link RunStatus#FAILED} result, not an exception
   * @throws WorkflowValidationException if the workflow or the inputs are invalid
   * @throws UsageLimitExceededException if the run's usage exceeded its limits; it carries the
   *     stopped run's result
   * @throws IllegalStateException if the engine is closed
   */
  public RunResult run(Workflow workflow, Map<String, ?> inputs, RunOptions options) {
    try {
      return start(workflow, inputs, options).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Starts {@code workflow} and returns at once; validation happens before this returns.
   *
   * @param inputs a value for every workflow input, by input alias
   * @return completes with the result when every step has succeeded, failed or been skipped
   * @throws WorkflowValidationException as for {@link #run}
   * @throws IllegalStateException if the engine is closed
   */
  public CompletableFuture<RunResult> start(Workflow workflow, Map<String, ?> inputs) {
    return start(workflow, inputs, RunOptions.DEFAULT);
  }

  /**
   * Starts {@code workflow} with per-run options and returns at once; validation happens before
   * this returns.
   *
   * @return completes with the result, or exceptionally with a
   *     {@link UsageLimitExceededException} if a usage limit stopped the run
   * @throws WorkflowValidationException as for {@link #run}
   * @throws IllegalStateException if the engine is closed
   */
  public CompletableFuture<RunResult> start(Workflow workflow, Map<String, ?> inputs,
      RunOptions options) {
    return start(workflow, inputs, options, null);
  }

  static {
    EngineAccess.setStarter(Engine::start);
  }

  /**
   * Starts a run, journaled for durable engines (through {@link EngineAccess}): under
   * {@code journaled.runId()}, recording its attempts in {@code journaled.journal()}, with the
   * steps whose outputs are in {@code journaled.committed()} restored instead of run.
   *
   * @param journaled the run's journal and what it committed before, or null for an in-memory run
   * @return completes with the result; exceptionally with the journal's exception if the journal
   *     failed (the run stopped here without further writes), or with a
   *     {@link UsageLimitExceededException}
   * @throws WorkflowValidationException as for {@link #run}
   * @throws IllegalStateException if the engine is closed, or a committed output cannot be read
   *     back as its cell's type (nothing ran then)
   */
  private CompletableFuture<RunResult> start(Workflow workflow, Map<String, ?> inputs,
      RunOptions options, JournaledRun journaled) {
    Objects.requireNonNull(inputs, "inputs == null");
    Objects.requireNonNull(options, "options == null");
    if (closed) {
      throw new IllegalStateException("the engine is closed; build a new one to run workflows");
    }
    ExecutionPlan plan = plan(workflow);
    Object[] values = plan.bindSources(inputs, services.codec());
    Object[][] restored = journaled == null ? null : restore(plan, journaled);
    Object context = options.context() == null ? null
        : options.context().apply(Collections.unmodifiableMap(new HashMap<>(inputs)));
    UUID runId = journaled != null ? journaled.runId()
        : options.runId() != null ? options.runId() : UUID.randomUUID();
    RunExecution execution = new RunExecution(plan, runId, services, options, context, null, -1,
        journaled == null ? null : journaled.journal(),
        journaled == null ? Usage.NONE : journaled.usedBefore(), restored);
    running.put(runId, execution);
    CompletableFuture<RunResult> result = execution.start(values);
    result.whenComplete((done, error) -> running.remove(runId, execution));
    return result;
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
    RunExecution execution = running.get(runId);
    if (execution == null) {
      return false;
    }
    execution.stop(Objects.requireNonNull(reason, "reason == null"));
    return true;
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
    closed = true;
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    timedAttempts.shutdown();
    flowThreads.shutdown();
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
    public Engine build() {
      return new Engine(this);
    }
  }
}
