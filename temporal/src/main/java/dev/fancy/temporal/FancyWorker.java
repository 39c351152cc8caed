package dev.fancy.temporal;

import dev.fancy.cache.InMemoryStepCache;
import dev.fancy.cache.StepCache;
import dev.fancy.registry.StepRegistry;
import dev.fancy.value.ValueCodec;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * A Temporal worker for Fancy runs: it polls one task queue, interprets Fancy workflows
 * ({@link InterpreterWorkflow}) and runs their steps ({@link FancyActivities}) from its
 * registry. Start as many as you like, in as many processes; each needs the registry with every
 * step its task queue's workflows use and, when claim checks are on, the same
 * {@link ClaimCheckStore} as the engine. Closing it stops polling and waits briefly for running
 * steps.
 *
 * <pre>{@code
 * try (FancyWorker worker = TemporalEngine.worker(service, "etl", StepRegistry.loadDefault())) {
 *   worker.awaitTermination();
 * }
 * }</pre>
 */
public final class FancyWorker implements AutoCloseable {

  private final WorkerFactory factory;
  private final StepActivities activities;

  private FancyWorker(Builder builder) {
    ValueCodec codec = ClaimCheckStore.withBlobs(builder.codec, builder.claims);
    WorkflowClient client = WorkflowClient.newInstance(builder.service,
        WorkflowClientOptions.newBuilder().setNamespace(builder.namespace)
            .setDataConverter(FancyPayloadConverter.dataConverter(codec, builder.claims))
            .build());
    this.factory = WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder()
        .setWorkflowCacheSize(builder.workflowCacheSize).build());
    Worker worker = factory.newWorker(builder.taskQueue, WorkerOptions.newBuilder()
        .setStickyQueueScheduleToStartTimeout(builder.stickyTimeout).build());
    if (builder.interpreter) {
      registerInterpreter(worker, new ClaimedValues(builder.claims, codec));
    }
    this.activities = new StepActivities(builder.registry, codec, builder.cache, client,
        builder.heartbeatEvery, builder.claims);
    if (builder.steps) {
      worker.registerActivitiesImplementations(activities);
    }
    factory.start();
  }

  /** Registers the interpreter workflow on {@code worker} (also used to replay histories). */
  static void registerInterpreter(Worker worker, ClaimedValues claims) {
    // A bug of the interpreter (and a non-determinism, an IllegalStateException) fails the run
    // visibly instead of retrying its task forever. Not every RuntimeException: the SDK's own
    // (its deadlock detection, when a cold worker on a busy machine takes over a second for a
    // workflow task) fail only the task, which Temporal retries.
    WorkflowImplementationOptions options = WorkflowImplementationOptions.newBuilder()
        .setFailWorkflowExceptionTypes(IllegalStateException.class,
            IllegalArgumentException.class, NullPointerException.class,
            ClassCastException.class, IndexOutOfBoundsException.class,
            UnsupportedOperationException.class, ArithmeticException.class,
            java.io.UncheckedIOException.class)
        .build();
    worker.registerWorkflowImplementationFactory(InterpreterWorkflow.class,
        () -> new Interpreter(claims), options);
    worker.registerWorkflowImplementationFactory(MapBatchWorkflow.class,
        () -> new MapBatch(new Interpreter(claims)), options);
  }

  /** A builder of a worker on {@code service}. */
  public static Builder builder(WorkflowServiceStubs service) {
    return new Builder(Objects.requireNonNull(service, "service == null"));
  }

  /** Blocks until the worker has stopped (after {@link #close()} from another thread). */
  public void awaitTermination() {
    while (!factory.isTerminated()) {
      factory.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    }
  }

  /** Stops polling, interrupts running steps after a short grace period and waits for them. */
  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    factory.shutdownNow();
    activities.close();
  }

  /** Configures a {@link FancyWorker}. */
  public static final class Builder {
    private final WorkflowServiceStubs service;
    private String namespace = "default";
    private String taskQueue = TemporalEngine.DEFAULT_TASK_QUEUE;
    private StepRegistry registry;
    private ValueCodec codec = ValueCodec.defaults();
    private ClaimCheckStore claims;
    private StepCache cache = new InMemoryStepCache(10_000);
    private Duration heartbeatEvery = Duration.ofSeconds(1);
    private Duration stickyTimeout = Duration.ofSeconds(5);
    private int workflowCacheSize = 600;
    private boolean interpreter = true;
    private boolean steps = true;

    private Builder(WorkflowServiceStubs service) {
      this.service = service;
    }

    /** The Temporal namespace; default {@code default}. */
    public Builder namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace == null");
      return this;
    }

    /** The task queue to poll; default {@value TemporalEngine#DEFAULT_TASK_QUEUE}. */
    public Builder taskQueue(String taskQueue) {
      this.taskQueue = Objects.requireNonNull(taskQueue, "taskQueue == null");
      return this;
    }

    /** Where steps are found by slug and version; default {@link StepRegistry#loadDefault()}. */
    public Builder registry(StepRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry == null");
      return this;
    }

    /** The codec of values; must be the engine's. Default {@link ValueCodec#defaults()}. */
    public Builder codec(ValueCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec == null");
      return this;
    }

    /** Where large payloads go; must be the engine's store. Default none. */
    public Builder claimChecks(ClaimCheckStore claims) {
      this.claims = Objects.requireNonNull(claims, "claims == null");
      return this;
    }

    /**
     * The step cache of this worker (cached steps are cached per worker, without single flight);
     * default an in-memory cache of 10,000 entries.
     */
    public Builder cache(StepCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache == null");
      return this;
    }

    /**
     * How often a running step heartbeats (and so how soon it sees a cancellation); default one
     * second. Temporal throttles heartbeats to 80% of the heartbeat timeout the engine sets.
     */
    public Builder heartbeatEvery(Duration every) {
      if (every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("heartbeat interval " + every + " must be positive");
      }
      this.heartbeatEvery = every;
      return this;
    }

    /**
     * How long a run's next workflow task waits for this worker (which holds the run in its
     * cache) before any worker may take it: how soon runs move on when this worker dies. Default
     * five seconds, Temporal's default.
     */
    public Builder stickyTimeout(Duration timeout) {
      this.stickyTimeout = Objects.requireNonNull(timeout, "timeout == null");
      return this;
    }

    /**
     * How many runs this worker keeps in memory between their workflow tasks (Temporal's sticky
     * execution); default 600. Zero turns sticky execution off: every workflow task replays the
     * run's history, and any worker may take it at once. Temporal's Java test server never gives
     * a dead worker's sticky tasks to another worker, so workers that may die under it run with
     * zero.
     */
    public Builder workflowCacheSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("workflow cache size " + size + " < 0");
      }
      this.workflowCacheSize = size;
      return this;
    }

    /**
     * Which tasks this worker takes: workflow tasks of the interpreter, step activities, or both
     * (the default). Separate pools scale separately: few interpreter workers, many step
     * workers with the resources steps need.
     *
     * @throws IllegalArgumentException if both are false
     */
    public Builder roles(boolean interpreter, boolean steps) {
      if (!interpreter && !steps) {
        throw new IllegalArgumentException("a worker needs at least one role");
      }
      this.interpreter = interpreter;
      this.steps = steps;
      return this;
    }

    /** Starts the worker. */
    public FancyWorker start() {
      if (registry == null) {
        registry = StepRegistry.loadDefault();
      }
      return new FancyWorker(this);
    }
  }
}
