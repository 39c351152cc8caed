package dev.fancy.temporal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.fancy.cache.CacheKey;
import dev.fancy.cache.StepCache;
import dev.fancy.frame.ExecutionFrame;
import dev.fancy.frame.StepFailure;
import dev.fancy.frame.UsageMeter;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.AttemptTimeoutException;
import dev.fancy.run.ErrorInfo;
import dev.fancy.temporal.Messages.AttemptReport;
import dev.fancy.temporal.Messages.StepOutcome;
import dev.fancy.temporal.Messages.StepRequest;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.OutputValidator;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link FancyActivities} on a worker's registry, codec and step cache. */
final class StepActivities implements FancyActivities, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StepActivities.class);

  /** Error type of an attempt over its timeout, as the local engines report it. */
  static final String TIMEOUT_TYPE = dev.fancy.run.AttemptTimeoutException.class.getName();
  /** Error type of an attempt whose outputs a validator rejected. */
  static final String VALIDATION_TYPE = "dev.fancy.internal.core.OutputValidationException";
  /** Error type of an attempt stopped by the run's cancellation. */
  static final String CANCELLED_TYPE = "java.util.concurrent.CancellationException";

  private final StepRegistry registry;
  private final ValueCodec codec;
  private final StepCache cache;
  private final WorkflowClient client;
  private final Duration heartbeatEvery;
  private final ClaimedValues claims;
  private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "fancy-temporal-step");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, Workflow> workflows = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Workflow> eldest) {
          return size() > 64;
        }
      });

  StepActivities(StepRegistry registry, ValueCodec codec, StepCache cache, WorkflowClient client,
      Duration heartbeatEvery, ClaimCheckStore claimStore) {
    this.claims = new ClaimedValues(claimStore, codec);
    this.registry = registry;
    this.codec = codec;
    this.cache = cache;
    this.client = client;
    this.heartbeatEvery = heartbeatEvery;
  }

  @Override
  public StepOutcome runStep(StepRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    int attempt = context.getInfo().getAttempt();
    WorkflowStep step = step(request);
    StepOptions options = request.options() == null ? StepOptions.DEFAULT : request.options();
    boolean fallback = request.fallback() != null;
    StepDefinition definition = fallback
        ? registry.find(options.fallback().slug(), options.fallback().version()).orElseThrow(
            () -> nonRetryable("fallback " + options.fallback() + " is not registered on this "
                + "worker", IllegalStateException.class.getName(), null))
        : registry.find(step.slug(), step.version()).orElseThrow(() -> nonRetryable("step "
            + step.slug() + "@" + step.version() + " is not registered on this worker",
            IllegalStateException.class.getName(), null));
    String key = request.runId() + ":" + step.id() + ":" + attempt;
    Instant startedAt = Instant.now();
    long startNanos = System.nanoTime();
    UsageMeter meter = new UsageMeter();
    List<JsonNode> chunks = new CopyOnWriteArrayList<>();
    Object[] args;
    try {
      args = fallback ? fallbackArgs(definition, request) : args(step, request);
    } catch (RuntimeException e) {
      throw failed(request, step, attempt, key, startedAt, startNanos, meter, chunks,
          AttemptStatus.FAILED, e.getClass().getName(), e.getMessage(), stack(e), false);
    }
    CacheKey cacheKey = null;
    if (!fallback && options.cached() && cache != null) {
      try {
        cacheKey = CacheKey.of(step.slug(), step.version(), step.inputNames(), args, codec);
      } catch (RuntimeException e) {
        throw failed(request, step, attempt, key, startedAt, startNanos, meter, chunks,
            AttemptStatus.FAILED, e.getClass().getName(), e.getMessage(), stack(e), false);
      }
      Optional<ArrayNode> hit = cache.get(cacheKey);
      if (hit.isPresent()) {
        Map<String, JsonNode> outputs = new LinkedHashMap<>();
        for (int i = 0; i < step.outputNames().size(); i++) {
          outputs.put(step.outputNames().get(i), claims.claim(hit.get().get(i)));
        }
        return new StepOutcome(outputs, null, true, List.of());
      }
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    // Checkpoints are the activity's heartbeat details: a retried activity reads the last ones.
    HeartbeatCheckpoints checkpoints = new HeartbeatCheckpoints(codec,
        context.getHeartbeatDetails(HeartbeatCheckpoints.Details.class).orElse(null));
    java.util.concurrent.atomic.AtomicLong lastBeat =
        new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    ExecutionFrame frame = ExecutionFrame.builder(step).runId(UUID.fromString(request.runId()))
        .attempt(attempt).idempotencyKey(key).usage(meter)
        .chunks(chunk -> chunks.add(codec.toTree(chunk))).cancellation(cancelled::get)
        .checkpoints(checkpoints).heartbeats(() -> lastBeat.set(System.nanoTime())).build();
    Object[] raw = args;
    Future<Object[]> call = threads.submit(() -> definition.invoker().invoke(frame, raw));
    Duration timeout = options.timeout();
    long deadline = timeout == null ? Long.MAX_VALUE : startNanos + timeout.toNanos();
    Object[] outputs;
    AtomicBoolean hung = new AtomicBoolean();
    try {
      outputs = await(call, deadline, context, cancelled, checkpoints,
          options.heartbeatTimeout(), lastBeat, hung);
    } catch (TimeoutException e) {
      call.cancel(true);
      String message = hung.get()
          ? AttemptTimeoutException.noHeartbeat(step.slug(), attempt,
              options.heartbeatTimeout()).getMessage()
          : "attempt " + attempt + " of step '" + step.slug() + "' timed out after " + timeout;
      throw failed(request, step, attempt, key, startedAt, startNanos, meter, chunks,
          AttemptStatus.TIMED_OUT, TIMEOUT_TYPE, message, null, retries(options, attempt,
              TIMEOUT_TYPE));
    } catch (ExecutionException e) {
      Throwable error = e.getCause();
      throw failed(request, step, attempt, key, startedAt, startNanos, meter, chunks,
          error instanceof InterruptedException && cancelled.get() ? AttemptStatus.CANCELLED
              : AttemptStatus.FAILED,
          error.getClass().getName(), error.getMessage(), stack(error),
          !fallback && retries(options, attempt, error));
    }
    if (outputs == null || outputs.length != step.outputNames().size()) {
      throw failed(request, step, attempt, key, startedAt, startNanos, meter, chunks,
          AttemptStatus.FAILED, IllegalStateException.class.getName(), "step '" + step.slug()
              + "' returned " + (outputs == null ? "null" : outputs.length + " outputs")
              + " for " + step.outputNames().size() + " outputs", null, false);
    }
    if (!fallback) {
      for (StepOptions.Validation validation : options.validators()) {
        String problem = validate(step, validation, outputs);
        if (problem != null) {
          throw failed(request, step, attempt, key, startedAt, startNanos, meter, chunks,
              AttemptStatus.VALIDATION_FAILED, VALIDATION_TYPE, problem, null,
              retries(options, attempt, VALIDATION_TYPE));
        }
      }
    }
    Map<String, JsonNode> encoded = new LinkedHashMap<>();
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < outputs.length; i++) {
      JsonNode tree = codec.toTree(outputs[i]);
      encoded.put(step.outputNames().get(i), claims.claim(tree));
      array.add(tree);
    }
    if (cacheKey != null) {
      cache.put(cacheKey, array);
    }
    Instant endedAt = Instant.now();
    AttemptRecord record = new AttemptRecord(attempt, AttemptStatus.SUCCEEDED, key, startedAt,
        endedAt, Duration.ofNanos(System.nanoTime() - startNanos), null, meter.snapshot());
    return new StepOutcome(encoded, record, false, List.copyOf(chunks));
  }

  /**
   * Waits for the step, heartbeating with its latest checkpoint as the details; a cancelled
   * activity interrupts the step. Throws {@link TimeoutException} past {@code deadline}, or,
   * with {@code hung} set, when the step went longer than {@code heartbeatTimeout} (if any)
   * without a {@code frame.heartbeat()} or checkpoint.
   */
  private Object[] await(Future<Object[]> call, long deadline, ActivityExecutionContext context,
      AtomicBoolean cancelled, HeartbeatCheckpoints checkpoints, Duration heartbeatTimeout,
      java.util.concurrent.atomic.AtomicLong lastBeat, AtomicBoolean hung)
      throws TimeoutException, ExecutionException {
    while (true) {
      long now = System.nanoTime();
      long left = deadline - now;
      if (left <= 0) {
        throw new TimeoutException();
      }
      long wait = Math.min(left, heartbeatEvery.toNanos());
      if (heartbeatTimeout != null) {
        long quiet = heartbeatTimeout.toNanos() - (now - lastBeat.get());
        if (quiet <= 0) {
          hung.set(true);
          throw new TimeoutException();
        }
        wait = Math.min(wait, quiet);
      }
      try {
        return call.get(wait, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        try {
          context.heartbeat(checkpoints.details());
        } catch (ActivityCompletionException stop) {
          cancelled.set(true);
          call.cancel(true);
          throw stop;
        }
      } catch (InterruptedException e) {
        cancelled.set(true);
        call.cancel(true);
        Thread.currentThread().interrupt();
        throw new ExecutionException(e);
      } catch (java.util.concurrent.CancellationException e) {
        throw new ExecutionException(new InterruptedException("the step was interrupted"));
      }
    }
  }

  private String validate(WorkflowStep step, StepOptions.Validation validation,
      Object[] outputs) {
    OutputValidator<?> validator = registry.validator(validation.validator())
        .or(() -> step.validator(validation.validator())).orElse(null);
    if (validator == null) {
      return "the validator '" + validation.validator() + "' is not registered on this worker";
    }
    int index = step.outputNames().indexOf(validation.output());
    @SuppressWarnings("unchecked")
    OutputValidator<Object> typed = (OutputValidator<Object>) validator;
    String problem;
    try {
      problem = typed.problem(outputs[index]);
    } catch (Exception e) {
      problem = "the check failed: " + e;
    }
    return problem == null ? null : "validator '" + validation.validator() + "' of output '"
        + validation.output() + "': " + problem;
  }

  private static boolean retries(StepOptions options, int attempt, Throwable error) {
    RetryPolicy policy = options.retry() == null ? RetryPolicy.NONE : options.retry();
    return attempt < policy.maxAttempts() && policy.retries(error);
  }

  private static boolean retries(StepOptions options, int attempt, String errorType) {
    RetryPolicy policy = options.retry() == null ? RetryPolicy.NONE : options.retry();
    return attempt < policy.maxAttempts() && !policy.neverRetryOn().contains(errorType)
        && (policy.retryOn().isEmpty() || policy.retryOn().contains(errorType));
  }

  private Object[] args(WorkflowStep step, StepRequest request) {
    Object[] args = new Object[step.inputNames().size()];
    for (int i = 0; i < args.length; i++) {
      String name = step.inputNames().get(i);
      args[i] = codec.fromTree(claims.resolve(request.inputs().get(name)),
          step.inputCells().get(i).type());
    }
    return args;
  }

  private Object[] fallbackArgs(StepDefinition fallback, StepRequest request) {
    List<Port> ports = fallback.contract().inputs();
    Object[] args = new Object[ports.size()];
    for (int i = 0; i < args.length; i++) {
      Port port = ports.get(i);
      args[i] = port.name().equals("failure") && port.type().rawType() == StepFailure.class
          ? request.fallback()
          : codec.fromTree(claims.resolve(request.inputs().get(port.name())), port.type());
    }
    return args;
  }

  private WorkflowStep step(StepRequest request) {
    Workflow workflow = workflows.get(request.workflowHash());
    if (workflow == null) {
      ActivityExecutionContext context = Activity.getExecutionContext();
      String json = client.newUntypedWorkflowStub(io.temporal.api.common.v1.WorkflowExecution
          .newBuilder().setWorkflowId(context.getInfo().getWorkflowId())
          .setRunId(context.getInfo().getWorkflowRunId()).build(), Optional.empty())
          .query("workflow", String.class);
      if (json == null || !Interpreter.sha256(json).equals(request.workflowHash())) {
        throw nonRetryable("run " + request.runId() + " answered with another workflow than "
            + request.workflowHash(), IllegalStateException.class.getName(), null);
      }
      workflow = Workflow.fromJson(json);
      workflows.put(request.workflowHash(), workflow);
    }
    UUID id = UUID.fromString(request.stepId());
    WorkflowStep step = find(workflow, id);
    if (step == null) {
      throw nonRetryable("workflow '" + workflow.name() + "' has no step " + id,
          IllegalArgumentException.class.getName(), null);
    }
    return step;
  }

  /** The step {@code id} of {@code workflow} or of one of its child workflows, at any depth. */
  static WorkflowStep find(Workflow workflow, UUID id) {
    for (WorkflowStep step : workflow.steps()) {
      if (step.id().equals(id)) {
        return step;
      }
      if (step instanceof dev.fancy.workflow.FlowStep flow) {
        for (Workflow child : flow.children().values()) {
          WorkflowStep found = find(child, id);
          if (found != null) {
            return found;
          }
        }
      }
    }
    return null;
  }

  private ApplicationFailure failed(StepRequest request, WorkflowStep step, int attempt,
      String key, Instant startedAt, long startNanos, UsageMeter meter, List<JsonNode> chunks,
      AttemptStatus status, String type, String message, String stack, boolean retryable) {
    AttemptRecord record = new AttemptRecord(attempt, status, key, startedAt, Instant.now(),
        Duration.ofNanos(System.nanoTime() - startNanos),
        new ErrorInfo(type, message, retryable, stack), meter.snapshot());
    AttemptReport report = new AttemptReport(request.path(), record, List.copyOf(chunks));
    if (retryable) {
      // The interpreter sees only an activity's last attempt; earlier ones are told by signal.
      try {
        ActivityExecutionContext context = Activity.getExecutionContext();
        client.newUntypedWorkflowStub(io.temporal.api.common.v1.WorkflowExecution.newBuilder()
            .setWorkflowId(context.getInfo().getWorkflowId())
            .setRunId(context.getInfo().getWorkflowRunId()).build(), Optional.empty())
            .signal(InterpreterWorkflow.ATTEMPT_FAILED, report);
      } catch (RuntimeException e) {
        LOG.warn("cannot report failed attempt {} of step '{}' to run {}: {}", attempt,
            step.slug(), request.runId(), e.getMessage());
      }
      return ApplicationFailure.newFailure(message, type, report);
    }
    return nonRetryable(message, type, report);
  }

  private static ApplicationFailure nonRetryable(String message, String type,
      AttemptReport report) {
    return report == null ? ApplicationFailure.newNonRetryableFailure(message, type)
        : ApplicationFailure.newNonRetryableFailure(message, type, report);
  }

  private static String stack(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
