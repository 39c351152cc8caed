package dev.fancy.temporal;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.fancy.engine.Engine;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Capabilities;
import dev.fancy.run.Capability;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunNotFoundException;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunPage;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunStatus;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.temporal.Messages.RunOutcome;
import dev.fancy.temporal.Messages.RunRequest;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.FlowStep;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.common.converter.DataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine contract on Temporal: each Fancy run is one execution of the
 * {@link InterpreterWorkflow} on a task queue, its workflow ID the Fancy run ID; steps run as
 * {@link FancyActivities} on {@link FancyWorker}s, in any number of processes. Moving from a
 * laptop to a cluster is a change of engine, not of code.
 *
 * <pre>{@code
 * WorkflowServiceStubs service = WorkflowServiceStubs.newLocalServiceStubs();
 * try (FancyWorker worker = TemporalEngine.worker(service, "etl", registry);
 *     TemporalEngine engine = TemporalEngine.builder(service).taskQueue("etl")
 *         .registry(registry).build()) {
 *   RunResult result = engine.run(workflow, Inputs.of(file, path));
 * }
 * }</pre>
 *
 * <p>What maps and what does not (docs/temporal.md): step policies become activity options
 * ({@code @Retry} → {@code RetryOptions} with the excluded error types as non-retryable,
 * {@code @Timeout} → the attempt's own timeout on the worker plus a start-to-close timeout with
 * {@link Interpreter#TIMEOUT_GRACE}); run status, step records, attempts and numbered events come
 * from the interpreter's query; cancel is a signal that cancels running activities; resume starts
 * a new execution of the same workflow ID that keeps the succeeded steps. There is no shared
 * mutable run context (steps on different workers share only cells), chunks are delivered when
 * their step ends, and cached steps are cached per worker without single flight.
 */
public final class TemporalEngine implements WorkflowEngine {

  private static final Logger LOG = LoggerFactory.getLogger(TemporalEngine.class);

  /** The task queue of engines and workers that name none. */
  public static final String DEFAULT_TASK_QUEUE = "fancy";

  private static final String MEMO_TASK_QUEUE = "fancy.taskQueue";
  private static final String MEMO_WORKFLOW = "fancy.workflow";

  private static final Capabilities CAPABILITIES = Capabilities.all()
      .without(Capability.SHARED_RUN_CONTEXT, "steps of a Temporal run execute on different "
          + "workers, which share no memory; steps exchange data only through cells (the rule "
          + "on Temporal: a step reads its inputs and writes its outputs, nothing else)")
      .without(Capability.LIVE_CHUNKS, "a step's chunks travel with its activity's result, so "
          + "subscribers see them when the step ends")
      .without(Capability.SINGLE_FLIGHT_CACHE, "each worker caches on its own; identical cached "
          + "steps running at the same time on different workers each compute")
      .without(Capability.TRANSACTIONAL_EFFECTS, "Temporal records activity results in its own "
          + "history; a step's database effects cannot commit with them")
      .without(Capability.DELETE, "Temporal deletes a closed workflow's history itself when the "
          + "namespace's retention period ends; set the retention on the namespace "
          + "(temporal operator namespace update --retention)");

  private final WorkflowServiceStubs service;
  private final String namespace;
  private final String taskQueue;
  private final StepRegistry registry;
  private final ValueCodec codec;
  private final Duration heartbeatTimeout;
  private final boolean searchAttributes;
  private final int historyLimit;
  private final WorkflowClient client;
  private final DataConverter converter;
  private final Engine validator;
  private final FancyWorker localWorker;
  private final Clock clock = Clock.systemUTC();
  final ClaimedValues claims;
  private final Map<UUID, Workflow> workflows = new ConcurrentHashMap<>();
  private final Map<UUID, RunOutcome> outcomes = new ConcurrentHashMap<>();
  final List<TemporalRun.Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  /** False once the service answered that it has no advanced visibility. */
  private volatile boolean advancedVisibility = true;

  private TemporalEngine(Builder builder) {
    this.service = builder.service;
    this.namespace = builder.namespace;
    this.taskQueue = builder.taskQueue;
    this.registry = builder.registry == null ? StepRegistry.loadDefault() : builder.registry;
    this.codec = ClaimCheckStore.withBlobs(builder.codec, builder.claims);
    this.heartbeatTimeout = builder.heartbeatTimeout;
    this.searchAttributes = builder.searchAttributes;
    this.historyLimit = builder.historyLimit;
    this.converter = FancyPayloadConverter.dataConverter(codec, builder.claims);
    this.claims = new ClaimedValues(builder.claims, codec);
    this.client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(namespace).setDataConverter(converter).build());
    // Validation is the in-memory engine's, which runs nothing and starts no thread here.
    this.validator = Engine.builder().registry(registry).build();
    if (builder.localWorker) {
      FancyWorker.Builder worker = FancyWorker.builder(service).namespace(namespace)
          .taskQueue(taskQueue).registry(registry).codec(codec)
          .heartbeatEvery(builder.heartbeatEvery);
      if (builder.claims != null) {
        worker.claimChecks(builder.claims);
      }
      this.localWorker = worker.start();
    } else {
      this.localWorker = null;
    }
  }

  /** A builder of an engine on the Temporal service {@code service}. */
  public static Builder builder(WorkflowServiceStubs service) {
    return new Builder(Objects.requireNonNull(service, "service == null"));
  }

  /**
   * A worker polling {@code taskQueue} of the default namespace with {@code registry}, started;
   * for more settings use {@link FancyWorker#builder}.
   */
  public static FancyWorker worker(WorkflowServiceStubs service, String taskQueue,
      StepRegistry registry) {
    return FancyWorker.builder(service).taskQueue(taskQueue).registry(registry).start();
  }

  /** The Temporal client this engine uses (with Fancy's data converter). */
  public WorkflowClient client() {
    return client;
  }

  /** The task queue this engine starts runs on. */
  public String taskQueue() {
    return taskQueue;
  }

  @Override
  public RunHandle start(Workflow workflow, Inputs inputs, RunOptions options) {
    requireOpen();
    Objects.requireNonNull(options, "options == null");
    validate(workflow, inputs);
    if (options.context() != null) {
      throw new UnsupportedOperationException(CAPABILITIES
          .reasonMissing(Capability.SHARED_RUN_CONTEXT).orElseThrow());
    }
    UUID runId = options.runId() != null ? options.runId() : RunOptions.newRunId();
    Map<String, JsonNode> values = new LinkedHashMap<>();
    for (Cell<?> input : workflow.inputs()) {
      values.put(input.id().toString(), claims.claim(codec.toTree(inputs.get(input))));
    }
    RunRequest request = new RunRequest(runId.toString(), workflow.toJson(), values,
        options.limits(), effectiveOptions(workflow, new LinkedHashMap<>()), options.labels(),
        clock.millis(), heartbeatTimeout.toMillis(), null, historyLimit, false, searchAttributes);
    workflows.put(runId, workflow);
    launch(request, runId, options.deadline());
    return new TemporalRun(this, runId);
  }

  /**
   * Starts the run's execution.
   *
   * @param deadline the run's deadline ({@code RunOptions.deadline}): Temporal's workflow
   *     execution timeout, after which Temporal ends the execution; null for none
   */
  private void launch(RunRequest request, UUID runId, Duration deadline) {
    Map<String, Object> memo = new LinkedHashMap<>();
    memo.put(MEMO_TASK_QUEUE, taskQueue);
    String workflowName = Workflow.fromJson(request.workflowJson()).name();
    memo.put(MEMO_WORKFLOW, workflowName);
    WorkflowOptions.Builder options = WorkflowOptions.newBuilder().setTaskQueue(taskQueue)
        .setWorkflowId(runId.toString()).setMemo(memo);
    if (deadline != null) {
      options.setWorkflowExecutionTimeout(deadline);
    }
    if (searchAttributes) {
      options.setTypedSearchAttributes(
          RunSearchAttributes.atStart(workflowName, request.labels()));
    }
    InterpreterWorkflow stub =
        client.newWorkflowStub(InterpreterWorkflow.class, options.build());
    try {
      WorkflowClient.start(stub::run, request);
    } catch (WorkflowExecutionAlreadyStarted e) {
      // Idempotent submission: the run with this ID goes on.
    } catch (WorkflowServiceException e) {
      if (searchAttributes && e.getCause() instanceof StatusRuntimeException status
          && status.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
          && String.valueOf(status.getStatus().getDescription()).toLowerCase(Locale.ROOT)
              .contains("search attribute")) {
        throw new IllegalStateException("Temporal refused run " + runId + "'s search "
            + "attributes (" + status.getStatus().getDescription() + "): an engine built with "
            + "searchAttributes(true) needs " + RunSearchAttributes.REGISTRATION + " registered "
            + "in namespace '" + namespace + "', e.g. `temporal operator search-attribute "
            + "create --namespace " + namespace + " --name " + RunSearchAttributes.LABELS_NAME
            + " --type KeywordList`; or build the engine without searchAttributes", e);
      }
      throw e;
    }
  }

  /** Every step's options: the registry's defaults with the workflow step's laid over them. */
  private Map<String, StepOptions> effectiveOptions(Workflow workflow,
      Map<String, StepOptions> options) {
    for (WorkflowStep step : workflow.steps()) {
      StepOptions defaults = registry.find(step.slug(), step.version())
          .map(StepDefinition::defaults).orElse(StepOptions.DEFAULT);
      options.put(step.id().toString(), defaults.overriddenBy(step.options()));
      if (step instanceof FlowStep flow) {
        flow.children().values().forEach(child -> effectiveOptions(child, options));
      }
    }
    return options;
  }

  @Override
  public RunHandle handle(UUID runId) {
    Objects.requireNonNull(runId, "runId == null");
    if (!workflows.containsKey(runId) && !exists(runId)) {
      throw new RunNotFoundException(runId, "Temporal namespace '" + namespace + "'");
    }
    return new TemporalRun(this, runId);
  }

  private boolean exists(UUID runId) {
    try {
      client.newUntypedWorkflowStub(runId.toString()).describe();
      return true;
    } catch (io.temporal.client.WorkflowNotFoundException e) {
      return false;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Not supported: Temporal deletes closed workflows' histories by the namespace's retention
   * period.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public boolean delete(UUID runId) {
    throw new UnsupportedOperationException(CAPABILITIES.reasonMissing(Capability.DELETE)
        .orElseThrow());
  }

  /**
   * Continues a failed or cancelled run: a new execution of the same workflow ID in which the
   * steps that succeeded keep their records and values and the others run again.
   */
  @Override
  public RunHandle resume(UUID runId) {
    requireOpen();
    TemporalRun run = (TemporalRun) handle(runId);
    RunOutcome previous = run.outcomeIfEnded();
    if (previous == null || previous.info().status() == RunStatus.SUCCEEDED) {
      throw new IllegalStateException("run " + runId + " is " + run.status() + "; only a failed "
          + "or cancelled run can be resumed");
    }
    Workflow workflow = workflow(runId);
    Map<String, JsonNode> inputs = new LinkedHashMap<>();
    for (Cell<?> input : workflow.inputs()) {
      inputs.put(input.id().toString(), previous.values().get(input.id().toString()));
    }
    RunRequest request = new RunRequest(runId.toString(), workflow.toJson(), inputs,
        previous.limits(), effectiveOptions(workflow, new LinkedHashMap<>()),
        previous.info().labels(),
        previous.info().createdAt().toEpochMilli(), heartbeatTimeout.toMillis(), previous,
        historyLimit, false, searchAttributes);
    outcomes.remove(runId);
    launch(request, runId, null);
    return new TemporalRun(this, runId);
  }

  /**
   * Lists the runs of this engine's task queue, newest first. With {@code searchAttributes(true)}
   * the statuses, the workflow and the labels of {@code query} go to Temporal's advanced
   * visibility as a query on the run's search attributes ({@code ListWorkflowExecutions}, see
   * {@link RunSearchAttributes#query}); a server without it (the Java test server answers
   * {@code UNIMPLEMENTED}) and engines without search attributes use basic visibility (open and
   * closed executions of the interpreter workflow), which every server supports. Either way the
   * runs found are read from their state and filtered, ordered and paged here, so both give the
   * same page; advanced visibility only reads fewer runs.
   */
  @Override
  public RunPage runs(RunQuery query) {
    requireOpen();
    List<RunInfo> infos = new ArrayList<>();
    for (WorkflowExecutionInfo execution : executions(query)) {
      if (!InterpreterWorkflow.TYPE.equals(execution.getType().getName())
          || !taskQueue.equals(taskQueueOf(execution))) {
        continue;
      }
      UUID runId;
      try {
        runId = UUID.fromString(execution.getExecution().getWorkflowId());
      } catch (IllegalArgumentException e) {
        continue;
      }
      infos.add(new TemporalRun(this, runId).history().run());
    }
    return query.page(infos);
  }

  /** The run's task queue: from its memo, or (where visibility has no memo) its description. */
  private String taskQueueOf(WorkflowExecutionInfo execution) {
    Payload queue = execution.getMemo().getFieldsMap().get(MEMO_TASK_QUEUE);
    if (queue != null) {
      return converter.fromPayload(queue, String.class, String.class);
    }
    return client.newUntypedWorkflowStub(execution.getExecution(), java.util.Optional.empty())
        .describe().getRawDescription().getExecutionConfig().getTaskQueue().getName();
  }

  private List<WorkflowExecutionInfo> executions(RunQuery query) {
    if (searchAttributes && advancedVisibility) {
      try {
        return searched(RunSearchAttributes.query(query, taskQueue));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
          throw e;
        }
        advancedVisibility = false;
        LOG.debug("the Temporal service has no advanced visibility ({}); runs are listed "
            + "through basic visibility", e.getStatus());
      }
    }
    return executions();
  }

  /** The executions that {@code visibilityQuery} finds, every page, one per workflow ID. */
  private List<WorkflowExecutionInfo> searched(String visibilityQuery) {
    Map<String, WorkflowExecutionInfo> latest = new LinkedHashMap<>();
    ByteString page = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse response = service.blockingStub().listWorkflowExecutions(
          ListWorkflowExecutionsRequest.newBuilder().setNamespace(namespace)
              .setQuery(visibilityQuery).setPageSize(1000).setNextPageToken(page).build());
      response.getExecutionsList()
          .forEach(e -> latest.putIfAbsent(e.getExecution().getWorkflowId(), e));
      page = response.getNextPageToken();
    } while (!page.isEmpty());
    return new ArrayList<>(latest.values());
  }

  private List<WorkflowExecutionInfo> executions() {
    Map<String, WorkflowExecutionInfo> latest = new LinkedHashMap<>();
    ListOpenWorkflowExecutionsResponse open = service.blockingStub().listOpenWorkflowExecutions(
        ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace(namespace)
            .setMaximumPageSize(1000).build());
    open.getExecutionsList().forEach(e -> latest.put(e.getExecution().getWorkflowId(), e));
    ListClosedWorkflowExecutionsResponse closed = service.blockingStub()
        .listClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest.newBuilder()
            .setNamespace(namespace).setMaximumPageSize(1000).build());
    closed.getExecutionsList().forEach(e -> latest.putIfAbsent(e.getExecution().getWorkflowId(),
        e));
    return new ArrayList<>(latest.values());
  }

  @Override
  public Capabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public StepRegistry registry() {
    return registry;
  }

  @Override
  public ValueCodec codec() {
    return codec;
  }

  @Override
  public void validate(Workflow workflow, Inputs inputs) {
    validator.validate(workflow, inputs);
  }

  /** Stops the subscriptions and the local worker (if any); runs go on in Temporal. */
  @Override
  public void close() {
    closed = true;
    subscriptions.forEach(TemporalRun.Subscription::close);
    if (localWorker != null) {
      localWorker.close();
    }
    validator.close();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the Temporal engine is closed; build a new one");
    }
  }

  // ------------------------------------------------------------------ for TemporalRun

  InterpreterWorkflow stub(UUID runId) {
    return client.newWorkflowStub(InterpreterWorkflow.class, runId.toString());
  }

  io.temporal.client.WorkflowStub untyped(UUID runId) {
    return client.newUntypedWorkflowStub(runId.toString());
  }

  /** The workflow of a run: known if this engine started it, else asked of the run. */
  Workflow workflow(UUID runId) {
    return workflows.computeIfAbsent(runId, id -> Workflow.fromJson(stub(id).workflowJson()));
  }

  RunOutcome cachedOutcome(UUID runId) {
    return outcomes.get(runId);
  }

  void keep(UUID runId, RunOutcome outcome) {
    outcomes.put(runId, outcome);
  }

  /** A builder of a {@link TemporalEngine}. */
  public static final class Builder {
    private final WorkflowServiceStubs service;
    private String namespace = "default";
    private String taskQueue = DEFAULT_TASK_QUEUE;
    private StepRegistry registry;
    private ValueCodec codec = ValueCodec.defaults();
    private ClaimCheckStore claims;
    private Duration heartbeatTimeout = Duration.ofSeconds(10);
    private Duration heartbeatEvery = Duration.ofSeconds(1);
    private boolean localWorker;
    private boolean searchAttributes;
    private int historyLimit = Interpreter.DEFAULT_HISTORY_LIMIT;

    private Builder(WorkflowServiceStubs service) {
      this.service = service;
    }

    /** The Temporal namespace; default {@code default}. */
    public Builder namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace == null");
      return this;
    }

    /** The task queue runs start on; default {@value #DEFAULT_TASK_QUEUE}. */
    public Builder taskQueue(String taskQueue) {
      this.taskQueue = Objects.requireNonNull(taskQueue, "taskQueue == null");
      return this;
    }

    /** The registry workflows are checked against; default {@link StepRegistry#loadDefault()}. */
    public Builder registry(StepRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry == null");
      return this;
    }

    /** The codec of values; workers must use the same. Default {@link ValueCodec#defaults()}. */
    public Builder codec(ValueCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec == null");
      return this;
    }

    /** Where payloads above the store's threshold go; workers must share it. Default none. */
    public Builder claimChecks(ClaimCheckStore claims) {
      this.claims = Objects.requireNonNull(claims, "claims == null");
      return this;
    }

    /**
     * The heartbeat timeout of step activities: an attempt whose worker has not been heard of
     * for this long is given to another worker. Default 10 seconds.
     */
    public Builder heartbeatTimeout(Duration timeout) {
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("heartbeat timeout " + timeout + " is below 1s");
      }
      this.heartbeatTimeout = timeout;
      return this;
    }

    /**
     * Also run a {@link FancyWorker} in this process on the engine's task queue, registry,
     * codec and claim checks, closed with the engine; default off.
     */
    public Builder localWorker(boolean localWorker) {
      this.localWorker = localWorker;
      return this;
    }

    /**
     * Whether runs carry Fancy's search attributes (their labels, workflow and status) and
     * {@link TemporalEngine#runs} queries them through advanced visibility; default off. The
     * namespace must have {@code FancyLabels} ({@code KeywordList}), {@code FancyWorkflow} and
     * {@code FancyStatus} ({@code Keyword}) registered first, e.g. {@code temporal operator
     * search-attribute create --name FancyLabels --type KeywordList}: Temporal rejects a start
     * with an unknown search attribute.
     */
    public Builder searchAttributes(boolean searchAttributes) {
      this.searchAttributes = searchAttributes;
      return this;
    }

    /**
     * How many history events one execution of a run may reach before the run continues as new
     * (its ended steps' records and values, its events and usage carried into an execution with
     * an empty history); default {@value Interpreter#DEFAULT_HISTORY_LIMIT}. Temporal allows
     * about 50,000 events per execution, and suggests continuing as new from 4,096, which Fancy
     * follows only when the history is too large in bytes (over 4 MiB).
     *
     * @throws IllegalArgumentException if {@code events} is below 20 (each step costs about
     *     six events, and a run must make progress in each execution) or above 40,000
     */
    public Builder continueAsNewAfter(int events) {
      if (events < 20 || events > 40_000) {
        throw new IllegalArgumentException("continueAsNewAfter(" + events + "): the history "
            + "limit of one execution must be 20 to 40,000 events (Temporal allows about "
            + "50,000; the default is " + Interpreter.DEFAULT_HISTORY_LIMIT + ")");
      }
      this.historyLimit = events;
      return this;
    }

    /** How often steps of the local worker heartbeat; default one second. */
    public Builder heartbeatEvery(Duration every) {
      this.heartbeatEvery = Objects.requireNonNull(every, "every == null");
      return this;
    }

    /** The engine. */
    public TemporalEngine build() {
      return new TemporalEngine(this);
    }
  }
}
