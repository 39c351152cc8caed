package dev.fancy.engine;

import com.fasterxml.jackson.databind.Module;
import dev.fancy.cache.StepCache;
import dev.fancy.frame.Resources;
import dev.fancy.internal.core.Core;
import dev.fancy.internal.core.Ticker;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.AttemptInterceptor;
import dev.fancy.run.Capabilities;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunListener;
import dev.fancy.run.RunNotFoundException;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunPage;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunResult;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.store.DatumStore;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executor;

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

  private final Core core;

  private Engine(Core core) {
    this.core = core;
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
    return core.registry();
  }

  /** The codec values are converted to and from JSON with. */
  @Override
  public ValueCodec codec() {
    return core.codec();
  }

  /**
   * Attempts that timed out but whose code is still running because it ignores interrupts; each
   * holds one of the threads for timed attempts ({@link Builder#maxTimedAttempts}).
   */
  public int lingeringAttempts() {
    return core.lingeringAttempts();
  }

  /**
   * Checks {@code workflow} against the registry without running it.
   *
   * @throws WorkflowValidationException listing every problem
   */
  public void validate(Workflow workflow) {
    core.validate(workflow);
  }

  @Override
  public void validate(Workflow workflow, Inputs inputs) {
    core.validate(workflow, inputs);
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
    return core.start(workflow, inputs, options);
  }

  /**
   * A handle on a run this engine executes, or one of the finished runs it keeps (the most recent
   * ones, up to {@link Builder#keptSteps} workflow steps in all).
   *
   * @throws RunNotFoundException if the engine does not hold the run
   */
  @Override
  public RunHandle handle(UUID runId) {
    return core.handle(runId);
  }

  /**
   * Not supported: an in-memory engine keeps no journal to resume from. Use a
   * {@code DurableEngine}.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public RunHandle resume(UUID runId) {
    return core.resume(runId);
  }

  /**
   * Deletes a finished run this engine keeps (see {@link #runs}) and discards its values
   * (including {@code REFERENCE} values' files); {@link #handle} no longer finds it.
   *
   * @return false if the engine holds no such run (never started here, or no longer kept)
   * @throws IllegalStateException if the run has not finished
   * @throws dev.fancy.store.DatumStoreException if stored values cannot be deleted
   */
  @Override
  public boolean delete(UUID runId) {
    return core.delete(runId);
  }

  /** The runs this engine executes and the finished ones it keeps, newest first. */
  @Override
  public RunPage runs(RunQuery query) {
    return core.runs(query);
  }

  @Override
  public Capabilities capabilities() {
    return core.capabilities();
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
    core.close();
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
    private Ticker ticker;

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
     * wait for a thread, first come first served, and their timeout counts from when they
     * start.
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

    /** Backoffs and timeouts on {@code ticker} instead of real time: for this package's tests. */
    Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker == null");
      return this;
    }

    /** The engine. */
    public Engine build() {
      return new Engine(new Core(new Core.Settings(
          registry != null ? registry : StepRegistry.loadDefault(), executor, maxConcurrency,
          maxTimedAttempts, valueStore, referenceStore, cache, resources, List.copyOf(interceptors),
          List.copyOf(listeners), List.copyOf(jacksonModules), keptSteps, ticker)));
    }
  }
}
