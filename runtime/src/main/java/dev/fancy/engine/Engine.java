package dev.fancy.engine;

import dev.fancy.cache.InMemoryStepCache;
import dev.fancy.cache.StepCache;
import dev.fancy.frame.Resources;
import dev.fancy.registry.StepRegistry;
import dev.fancy.store.DatumStore;
import dev.fancy.store.FileDatumStore;
import dev.fancy.store.InMemoryDatumStore;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.lang.ref.SoftReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;

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
  private final LazyThreadPool<ExecutorService> timedAttempts =
      LazyThreadPool.cached("fancy-attempt-");
  private final LazyThreadPool<ExecutorService> flowThreads = LazyThreadPool.cached("fancy-flow-");
  private final LazyThreadPool<ScheduledExecutorService> timer =
      LazyThreadPool.timer("fancy-timer-");
  private volatile boolean closed;
  private final Map<UUID, RunExecution> running = new java.util.concurrent.ConcurrentHashMap<>();
  /**
   * Checked plans by workflow. Keys are weak and values soft: a plan refers to its workflow, so a
   * strong value would keep every key alive forever; a soft one lets both go under memory
   * pressure or once the workflow is unreachable and the plan is cleared.
   */
  private final Map<Workflow, SoftReference<ExecutionPlan>> plans =
      Collections.synchronizedMap(new WeakHashMap<>());

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
    this.services = new EngineServices(executor, builder.maxConcurrency,
        builder.valueStore != null ? builder.valueStore : new InMemoryDatumStore(),
        builder.referenceStore != null ? builder.referenceStore
            : new FileDatumStore(Path.of(".fancy", "values")),
        builder.cache != null ? builder.cache : new InMemoryStepCache(10_000),
        ValueCodec.defaults(), builder.resources, List.copyOf(builder.interceptors),
        List.copyOf(builder.listeners), timedAttempts::get, flowThreads::get, timer::get,
        builder.journal);
  }

  /**
   * An engine with the default registry ({@link StepRegistry#loadDefault()}), values in memory,
   * {@code REFERENCE} values under {@code ./.fancy/values}, and one worker thread per processor.
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
    Objects.requireNonNull(inputs, "inputs == null");
    Objects.requireNonNull(options, "options == null");
    if (closed) {
      throw new IllegalStateException("the engine is closed; build a new one to run workflows");
    }
    ExecutionPlan plan = plan(workflow);
    Object[] values = plan.bindSources(inputs, services.codec());
    Object context = options.context() == null ? null
        : options.context().apply(Collections.unmodifiableMap(new HashMap<>(inputs)));
    UUID runId = options.runId() != null ? options.runId() : UUID.randomUUID();
    RunExecution execution = new RunExecution(plan, runId, services, options, context, null, -1);
    running.put(runId, execution);
    CompletableFuture<RunResult> result = execution.start(values);
    result.whenComplete((done, error) -> running.remove(runId, execution));
    return result;
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
    SoftReference<ExecutionPlan> cached = plans.get(workflow);
    ExecutionPlan plan = cached == null ? null : cached.get();
    if (plan == null) {
      plan = ExecutionPlan.compile(workflow, registry);
      plans.put(workflow, new SoftReference<>(plan));
    }
    return plan;
  }

  /**
   * Stops accepting runs and shuts down the engine's own worker threads (not an executor passed
   * to the builder); runs already started finish.
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
  }

  /** Configures an {@link Engine}; every setting has a default. */
  public static final class Builder {
    private StepRegistry registry;
    private Executor executor;
    private int maxConcurrency = Runtime.getRuntime().availableProcessors();
    private DatumStore valueStore;
    private DatumStore referenceStore;
    private StepCache cache;
    private StepJournal journal;
    private Resources resources = Resources.NONE;
    private final List<AttemptInterceptor> interceptors = new ArrayList<>();
    private final List<RunListener> listeners = new ArrayList<>();

    private Builder() {}

    /** Where cached step results go; default an in-memory LRU cache of 10,000 entries. */
    public Builder cache(StepCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache == null");
      return this;
    }

    /** Where attempts are recorded durably; default none (runs live in memory only). */
    public Builder journal(StepJournal journal) {
      this.journal = Objects.requireNonNull(journal, "journal == null");
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

    /** Where {@code VALUE} and {@code COMPOSITE} cells are stored; default in memory. */
    public Builder valueStore(DatumStore store) {
      this.valueStore = Objects.requireNonNull(store, "store == null");
      return this;
    }

    /** Where {@code REFERENCE} cells are stored; default files under {@code ./.fancy/values}. */
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
