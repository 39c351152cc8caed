package dev.fancy.temporal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.frame.StepFailure;
import dev.fancy.frame.Usage;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.ChildRun;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.temporal.Messages.AttemptReport;
import dev.fancy.temporal.Messages.BatchOutcome;
import dev.fancy.temporal.Messages.BatchRequest;
import dev.fancy.temporal.Messages.RunOutcome;
import dev.fancy.temporal.Messages.RunRequest;
import dev.fancy.temporal.Messages.RunState;
import dev.fancy.temporal.Messages.StepOutcome;
import dev.fancy.temporal.Messages.StepRequest;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.FlowStep;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The interpreter: walks a Fancy workflow inside Temporal's deterministic workflow code. Steps
 * become activities chained by promises (no workflow thread waits per step); control-flow steps
 * run on a workflow thread of their own, with their child workflows interpreted the same way.
 * Every decision depends only on the workflow's history (activity results, signals and
 * Temporal's clock), so replays take the same path.
 *
 * <p>Histories recorded with each release are committed under the module's test resources and
 * replayed by {@code ReplayTest}; a change that would schedule different commands for an old
 * history goes behind {@code Workflow.getVersion(VERSION_CHANGE, ...)} with a new maximum
 * version, so runs in flight keep replaying.
 */
final class Interpreter implements InterpreterWorkflow {

  /** Time a worker gets past a step's own timeout before Temporal gives the attempt away. */
  static final Duration TIMEOUT_GRACE = Duration.ofSeconds(10);
  /** Start-to-close timeout of steps without a timeout of their own. */
  static final Duration DEFAULT_START_TO_CLOSE = Duration.ofDays(1);
  /** The change ID of {@code Workflow.getVersion}; version 1 is the first release. */
  static final String VERSION_CHANGE = "fancy.interpreter";
  /** The newest interpreter version. */
  static final int VERSION = 1;
  /** The most elements of a map one execution runs; larger maps run in child workflows. */
  static final int MAP_BATCH = 1000;
  /** The change ID under which large maps run in batches. */
  static final String MAP_BATCHES_CHANGE = "fancy.map-batches";
  /** The stop reason of a run whose workflow execution was cancelled through Temporal. */
  static final String STOPPED_THROUGH_TEMPORAL =
      "stopped through Temporal: its workflow execution was cancelled";
  /** Error type of a failed child run of a control-flow step. */
  static final String CHILD_FAILED = "dev.fancy.internal.core.ChildRunFailedException";
  /**
   * History events after which one execution of a run continues as new, unless the engine set
   * another limit: Temporal allows about 50,000 events and warns from 10,240.
   */
  static final int DEFAULT_HISTORY_LIMIT = 10_000;
  /** The change ID under which long runs continue as new (version 1). */
  static final String CONTINUE_AS_NEW_CHANGE = "fancy.continue-as-new";

  /** The record of one workflow step in progress, top-level or inside a child run. */
  private final class Rec {
    final WorkflowStep step;
    final String path;
    final Rec parent;
    StepStatus status = StepStatus.PENDING;
    Instant startedAt;
    Instant endedAt;
    ErrorInfo error;
    final TreeMap<Integer, AttemptRecord> attempts = new TreeMap<>();
    boolean cacheHit;
    boolean fallbackUsed;
    Usage usage = Usage.NONE;
    final TreeMap<Integer, ChildRun> children = new TreeMap<>();

    Rec(WorkflowStep step, String path, Rec parent) {
      this.step = step;
      this.path = path;
      this.parent = parent;
    }

    boolean top() {
      return parent == null;
    }

    void start() {
      status = StepStatus.RUNNING;
      startedAt = now();
    }

    void end(StepStatus status, ErrorInfo error) {
      this.status = status;
      this.error = error;
      this.endedAt = now();
    }

    /** Adds an attempt once, with its usage (to this step, its parents and the run). */
    boolean attempt(AttemptRecord record) {
      if (attempts.containsKey(record.attempt())) {
        return false;
      }
      attempts.put(record.attempt(), record);
      for (Rec rec = this; rec != null; rec = rec.parent) {
        rec.usage = rec.usage.plus(record.usage());
      }
      total = total.plus(record.usage());
      return true;
    }

    /**
     * Takes the record of a step that ended in an earlier execution of the run: one that
     * succeeded before a resume, or any that ended before the run continued as new.
     */
    void restore(StepRecord record) {
      status = record.status();
      error = record.error();
      startedAt = record.startedAt();
      endedAt = record.endedAt();
      record.attempts().forEach(a -> attempts.put(a.attempt(), a));
      cacheHit = record.cacheHit();
      fallbackUsed = record.fallbackUsed();
      usage = record.usage();
      for (ChildRun child : record.children()) {
        children.put(children.size(), child);
      }
    }

    StepRecord record() {
      Duration duration = startedAt != null && endedAt != null
          ? Duration.between(startedAt, endedAt) : Duration.ZERO;
      return new StepRecord(step.id(), step.slug(), step.version(), status, startedAt, endedAt,
          duration, error, List.copyOf(attempts.values()), cacheHit, fallbackUsed, usage,
          List.copyOf(children.values()));
    }
  }

  /** A control-flow step failed (its error type and message). */
  private static final class FlowFailure extends RuntimeException {
    final String type;

    FlowFailure(String type, String message) {
      super(message, null, false, false);
      this.type = type;
    }
  }

  /** The run was stopped while a control-flow step ran. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }

  /** An activity's end: its outcome or its failure. */
  private record Settled(StepOutcome outcome, RuntimeException failure) {}

  private final ClaimedValues claims;
  private RunRequest request;
  private String workflowHash;
  private UUID runId;
  private String workflowName = "";
  private RunStatus status = RunStatus.PENDING;
  private Instant createdAt = Instant.EPOCH;
  private Instant startedAt;
  private Instant finishedAt;
  private ErrorInfo error;
  private Usage total = Usage.NONE;
  private String cancelReason;
  private String breach;
  private final List<RunEvent> events = new ArrayList<>();
  private final Map<UUID, Rec> top = new LinkedHashMap<>();
  private final Map<String, Rec> live = new HashMap<>();
  private final Set<CancellationScope> running = new LinkedHashSet<>();
  private final Set<String> runningBatches = new LinkedHashSet<>();
  /**
   * Whether this execution's history reached its limit: steps that become ready wait for the
   * run's next execution, which starts (continue-as-new) once the running ones have ended.
   */
  private boolean continuing;

  Interpreter(ClaimedValues claims) {
    this.claims = claims;
  }

  @Override
  public RunOutcome run(RunRequest request) {
    io.temporal.workflow.Workflow.getVersion(VERSION_CHANGE,
        io.temporal.workflow.Workflow.DEFAULT_VERSION, VERSION);
    this.request = request;
    this.workflowHash = sha256(request.workflowJson());
    this.runId = UUID.fromString(request.runId());
    this.createdAt = Instant.ofEpochMilli(request.createdAtMillis());
    Workflow workflow = Workflow.fromJson(request.workflowJson());
    this.workflowName = workflow.name();
    for (WorkflowStep step : workflow.steps()) {
      Rec rec = new Rec(step, step.id().toString(), null);
      top.put(step.id(), rec);
    }
    Map<UUID, JsonNode> values = new LinkedHashMap<>();
    for (Cell<?> input : workflow.inputs()) {
      values.put(input.id(), request.inputs().get(input.id().toString()));
    }
    RunOutcome resumed = request.resumed();
    boolean continued = resumed != null && request.continued();
    if (resumed != null) {
      events.addAll(resumed.events());
      // Usage limits count what every execution of the run used, failed attempts included.
      total = resumed.total();
      for (StepRecord record : resumed.steps()) {
        Rec rec = top.get(record.stepId());
        // A resume runs again what did not succeed; a continued run only what had not ended.
        if (rec != null && (record.status() == StepStatus.SUCCEEDED
            || continued && record.status().isFinal())) {
          rec.restore(record);
          if (record.status() == StepStatus.SUCCEEDED) {
            for (Cell<?> output : rec.step.outputCells()) {
              values.put(output.id(), resumed.values().get(output.id().toString()));
            }
          }
        }
      }
    }
    status = RunStatus.RUNNING;
    if (continued) {
      startedAt = resumed.info().startedAt();
    } else {
      startedAt = now();
      event(RunEvent.Type.RUN_STARTED, null, 0, null, null, null, null);
    }

    runGraph(workflow, values, top);

    if (continuing && !stopped()) {
      // The steps that ended keep their records and values; the others run in the next
      // execution, whose history starts empty. Does not return.
      Map<String, JsonNode> state = new LinkedHashMap<>();
      values.forEach((id, value) -> state.put(id.toString(), value));
      io.temporal.workflow.Workflow.continueAsNew(request.continuedWith(new RunOutcome(info(),
          records(), state, List.copyOf(events), breach, total, 0, request.limits())));
    }

    for (Rec rec : top.values()) {
      if (rec.status == StepStatus.PENDING) {
        rec.end(StepStatus.SKIPPED, ErrorInfo.of(ErrorInfo.SKIPPED, stopped()
            ? "skipped because the run was stopped: " + stopReason() : "did not run"));
      } else if (rec.status == StepStatus.RUNNING) {
        rec.end(StepStatus.CANCELLED, ErrorInfo.of(ErrorInfo.CANCELLED, stopReason()));
      }
    }
    ErrorInfo firstFailure = top.values().stream().filter(r -> r.status == StepStatus.FAILED)
        .map(r -> r.error).findFirst().orElse(null);
    if (stopped()) {
      status = RunStatus.CANCELLED;
      error = ErrorInfo.of(ErrorInfo.CANCELLED, stopReason());
    } else if (firstFailure != null) {
      status = RunStatus.FAILED;
      error = firstFailure;
    } else {
      status = RunStatus.SUCCEEDED;
    }
    finishedAt = now();
    event(RunEvent.Type.RUN_FINISHED, null, 0, status.name(), error, null, total);
    if (request.searchAttributes()) {
      io.temporal.workflow.Workflow.upsertTypedSearchAttributes(
          RunSearchAttributes.STATUS.valueSet(status.name()));
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    values.forEach((id, value) -> out.put(id.toString(), value));
    return new RunOutcome(info(), records(), out, List.copyOf(events), breach, total,
        Duration.between(startedAt, finishedAt).toMillis(), request.limits());
  }

  @Override
  public RunState state(long fromSequence) {
    int from = (int) Math.max(0, Math.min(events.size(), fromSequence - 1));
    return new RunState(info(), records(), List.copyOf(events.subList(from, events.size())));
  }

  @Override
  public String workflowJson() {
    return request == null ? null : request.workflowJson();
  }

  @Override
  public void cancel(String reason) {
    if (status.isFinal() || stopped()) {
      return;
    }
    cancelReason = reason == null ? "cancelled" : reason;
    stopAll();
  }

  @Override
  public void attemptFailed(AttemptReport report) {
    Rec rec = live.get(report.path());
    if (rec == null || !rec.attempt(report.attempt())) {
      return;
    }
    failedAttemptEvents(rec, report, true);
  }

  // ------------------------------------------------------------------ the graph

  /**
   * Runs every step of {@code workflow} as soon as the steps it needs have ended, and waits for
   * all of them.
   *
   * @return whether every step succeeded
   */
  private boolean runGraph(Workflow workflow, Map<UUID, JsonNode> values, Map<UUID, Rec> recs) {
    for (Cell<?> constant : workflow.constants()) {
      values.put(constant.id(), constant.constantValue());
    }
    Map<UUID, Promise<Boolean>> done = new LinkedHashMap<>();
    for (WorkflowStep step : workflow.steps()) {
      Rec rec = recs.get(step.id());
      live.put(rec.path, rec);
      List<Promise<Boolean>> needs = new ArrayList<>();
      for (Cell<?> input : step.inputCells()) {
        WorkflowStep producer = input.producer();
        if (producer != null && done.containsKey(producer.id())) {
          needs.add(done.get(producer.id()));
        }
      }
      for (WorkflowStep upstream : step.upstream()) {
        if (done.containsKey(upstream.id())) {
          needs.add(done.get(upstream.id()));
        }
      }
      Promise<Boolean> ready = needs.isEmpty() ? io.temporal.workflow.Workflow.newPromise(true)
          : Promise.allOf(needs).thenApply(v -> needs.stream().allMatch(Promise::get));
      done.put(step.id(), ready.thenCompose(ok -> start(rec, values, ok)));
    }
    Promise<Void> all = Promise.allOf(done.values());
    try {
      io.temporal.workflow.Workflow.await(all::isCompleted);
    } catch (CanceledFailure e) {
      // Cancelled through Temporal (its UI, CLI or API): stop like a Fancy cancel, and let the
      // running steps settle outside the cancelled scope.
      cancel(STOPPED_THROUGH_TEMPORAL);
      io.temporal.workflow.Workflow.newDetachedCancellationScope(
          () -> io.temporal.workflow.Workflow.await(all::isCompleted)).run();
    }
    for (Rec rec : recs.values()) {
      live.remove(rec.path);
    }
    return done.values().stream().allMatch(Promise::get);
  }

  private Promise<Boolean> start(Rec rec, Map<UUID, JsonNode> values, boolean inputsReady) {
    if (rec.status.isFinal()) {
      // Ended in an earlier execution of the run (resumed, or continued as new).
      return io.temporal.workflow.Workflow.newPromise(rec.status == StepStatus.SUCCEEDED);
    }
    if (rec.top() && continueAsNew()) {
      return io.temporal.workflow.Workflow.newPromise(false); // runs in the next execution
    }
    if (!inputsReady || stopped()) {
      rec.end(StepStatus.SKIPPED, ErrorInfo.of(ErrorInfo.SKIPPED, stopped()
          ? "skipped because the run was stopped: " + stopReason()
          : "skipped because a step it needs did not succeed"));
      stepEvent(RunEvent.Type.STEP_SKIPPED, rec, 0, rec.error);
      return io.temporal.workflow.Workflow.newPromise(false);
    }
    rec.start();
    stepEvent(RunEvent.Type.ATTEMPT_STARTED, rec, 1, null);
    Map<String, JsonNode> inputs = new LinkedHashMap<>();
    for (int i = 0; i < rec.step.inputNames().size(); i++) {
      inputs.put(rec.step.inputNames().get(i), values.get(rec.step.inputCells().get(i).id()));
    }
    if (rec.step instanceof FlowStep flow) {
      return Async.function(() -> runFlow(flow, rec, inputs, values));
    }
    StepOptions options = options(rec.step);
    StepRequest call = new StepRequest(request.runId(), rec.path, workflowHash,
        rec.step.id().toString(), inputs, options, null);
    return schedule(call, activityOptions(options, options.retry()))
        .thenCompose(settled -> settle(rec, values, call, options, settled));
  }

  private Promise<Settled> schedule(StepRequest call, ActivityOptions options) {
    FancyActivities activities =
        io.temporal.workflow.Workflow.newActivityStub(FancyActivities.class, options);
    List<Promise<StepOutcome>> started = new ArrayList<>(1);
    CancellationScope scope = io.temporal.workflow.Workflow.newDetachedCancellationScope(
        () -> started.add(Async.function(activities::runStep, call)));
    running.add(scope);
    scope.run();
    return started.get(0).handle((outcome, failure) -> {
      running.remove(scope);
      return new Settled(outcome, failure);
    });
  }

  private Promise<Boolean> settle(Rec rec, Map<UUID, JsonNode> values, StepRequest call,
      StepOptions options, Settled settled) {
    if (settled.outcome() != null) {
      succeed(rec, values, settled.outcome());
      return io.temporal.workflow.Workflow.newPromise(true);
    }
    ErrorInfo last = lastError(rec, settled.failure());
    if (stopped() || cancelled(settled.failure())) {
      rec.end(StepStatus.CANCELLED, ErrorInfo.of(ErrorInfo.CANCELLED, stopReason()));
      stepEvent(RunEvent.Type.STEP_CANCELLED, rec, 0, rec.error);
      return io.temporal.workflow.Workflow.newPromise(false);
    }
    if (options.fallback() != null && call.fallback() == null) {
      int attempts = rec.attempts.isEmpty() ? 1 : rec.attempts.lastKey();
      StepRequest fallback = new StepRequest(call.runId(), call.path(), call.workflowHash(),
          call.stepId(), call.inputs(), options, new StepFailure(rec.step.slug(), attempts,
              last.type(), last.message()));
      return schedule(fallback, activityOptions(options, RetryPolicy.NONE))
          .thenApply(fallen -> {
            if (fallen.outcome() != null) {
              rec.fallbackUsed = true;
              succeed(rec, values, fallen.outcome());
              return true;
            }
            ErrorInfo error = lastError(rec, fallen.failure());
            if (stopped() || cancelled(fallen.failure())) {
              rec.end(StepStatus.CANCELLED, ErrorInfo.of(ErrorInfo.CANCELLED, stopReason()));
              stepEvent(RunEvent.Type.STEP_CANCELLED, rec, 0, rec.error);
              return false;
            }
            fail(rec, error);
            return false;
          });
    }
    fail(rec, last);
    return io.temporal.workflow.Workflow.newPromise(false);
  }

  /** Records the attempt a failure carries and returns the step's error from it. */
  private ErrorInfo lastError(Rec rec, RuntimeException failure) {
    Throwable cause = failure instanceof ActivityFailure ? failure.getCause() : failure;
    if (cause instanceof ApplicationFailure application && application.getDetails() != null
        && application.getDetails().getSize() > 0) {
      AttemptReport report = application.getDetails().get(AttemptReport.class);
      if (rec.attempt(report.attempt())) {
        failedAttemptEvents(rec, report, false);
      }
      ErrorInfo error = report.attempt().error();
      return new ErrorInfo(error.type(), error.message(), false, error.stack());
    }
    if (cause instanceof ApplicationFailure application) {
      return new ErrorInfo(application.getType(), application.getOriginalMessage(), false, null);
    }
    if (cause instanceof TimeoutFailure timeout) {
      int attempt = rec.attempts.isEmpty() ? 1 : rec.attempts.lastKey() + 1;
      ErrorInfo error = new ErrorInfo(StepActivities.TIMEOUT_TYPE, "attempt " + attempt
          + " of step '" + rec.step.slug() + "' timed out on its worker (Temporal: "
          + timeout.getMessage() + ")", false, null);
      rec.attempt(new AttemptRecord(attempt, AttemptStatus.TIMED_OUT, request.runId() + ":"
          + rec.step.id() + ":" + attempt, rec.startedAt, now(), Duration.ZERO, error,
          Usage.NONE));
      return error;
    }
    return cause == null ? ErrorInfo.of(ErrorInfo.CANCELLED, stopReason())
        : new ErrorInfo(cause.getClass().getName(), String.valueOf(cause.getMessage()), false,
            null);
  }

  private static boolean cancelled(RuntimeException failure) {
    return failure instanceof CanceledFailure
        || failure instanceof ActivityFailure && failure.getCause() instanceof CanceledFailure;
  }

  private void succeed(Rec rec, Map<UUID, JsonNode> values, StepOutcome outcome) {
    List<String> names = rec.step.outputNames();
    for (int i = 0; i < names.size(); i++) {
      values.put(rec.step.outputCells().get(i).id(), outcome.outputs().get(names.get(i)));
    }
    if (outcome.cacheHit()) {
      rec.cacheHit = true;
      stepEvent(RunEvent.Type.CACHE_HIT, rec, 0, null);
    } else {
      rec.attempt(outcome.attempt());
      chunkEvents(rec, outcome.attempt().attempt(), outcome.chunks());
    }
    rec.end(StepStatus.SUCCEEDED, null);
    stepEvent(RunEvent.Type.STEP_SUCCEEDED, rec, rec.attempts.isEmpty() ? 0
        : rec.attempts.lastKey(), null);
    checkLimits(rec);
  }

  private void fail(Rec rec, ErrorInfo error) {
    rec.end(StepStatus.FAILED, error);
    stepEvent(RunEvent.Type.STEP_FAILED, rec, rec.attempts.isEmpty() ? 0
        : rec.attempts.lastKey(), error);
    checkLimits(rec);
  }

  private void checkLimits(Rec rec) {
    if (breach != null || request.limits() == null) {
      return;
    }
    String exceeded = request.limits().breach(total);
    if (exceeded != null) {
      breach = "usage limit exceeded after step '" + rec.step.slug() + "': " + exceeded;
      stopAll();
    }
  }

  private void stopAll() {
    for (CancellationScope scope : new ArrayList<>(running)) {
      scope.cancel(stopReason());
    }
    for (String batch : new ArrayList<>(runningBatches)) {
      io.temporal.workflow.Workflow.newUntypedExternalWorkflowStub(batch)
          .signal("cancel", stopReason());
    }
  }

  private boolean stopped() {
    return cancelReason != null || breach != null;
  }

  private String stopReason() {
    return cancelReason != null ? cancelReason : breach != null ? breach : "the run was stopped";
  }

  // ------------------------------------------------------------------ control flow

  private boolean runFlow(FlowStep flow, Rec rec, Map<String, JsonNode> inputs,
      Map<UUID, JsonNode> values) {
    try {
      List<JsonNode> outputs = switch (flow.kind()) {
        case SUBWORKFLOW -> outputs(flow, FlowStep.BODY,
            child(flow, rec, FlowStep.BODY, inputs, "body"));
        case MAP -> List.of(map(flow, rec, inputs));
        case CONDITIONAL -> conditional(flow, rec, inputs);
        case LOOP -> loop(flow, rec, inputs);
        case ROUTER -> List.of(router(flow, rec, inputs));
        case PARALLEL -> parallel(flow, rec, inputs);
      };
      for (int i = 0; i < outputs.size(); i++) {
        values.put(flow.outputCells().get(i).id(), outputs.get(i));
      }
      rec.end(StepStatus.SUCCEEDED, null);
      stepEvent(RunEvent.Type.STEP_SUCCEEDED, rec, 1, null);
      return true;
    } catch (Stopped e) {
      rec.end(StepStatus.CANCELLED, ErrorInfo.of(ErrorInfo.CANCELLED, stopReason()));
      stepEvent(RunEvent.Type.STEP_CANCELLED, rec, 0, rec.error);
      return false;
    } catch (FlowFailure e) {
      fail(rec, new ErrorInfo(e.type, e.getMessage(), false, null));
      return false;
    }
  }

  /**
   * Interprets child workflow {@code name} of {@code flow} on inputs bound by alias.
   *
   * @return the child's values by cell ID
   * @throws Stopped if the run was stopped
   * @throws FlowFailure if a step of the child failed
   */
  private Map<UUID, JsonNode> child(FlowStep flow, Rec rec, String name,
      Map<String, JsonNode> byAlias, String label) {
    if (stopped()) {
      throw new Stopped();
    }
    Workflow child = flow.children().get(name);
    Map<UUID, JsonNode> values = new LinkedHashMap<>();
    for (Cell<?> input : child.inputs()) {
      values.put(input.id(), byAlias.get(input.alias()));
    }
    Map<UUID, Rec> recs = new LinkedHashMap<>();
    for (WorkflowStep step : child.steps()) {
      recs.put(step.id(), new Rec(step, rec.path + "/" + label + "/" + step.id(), rec));
    }
    boolean succeeded = runGraph(child, values, recs);
    List<StepRecord> steps = new ArrayList<>();
    Usage used = Usage.NONE;
    for (Rec step : recs.values()) {
      steps.add(step.record());
      used = used.plus(step.usage);
    }
    rec.children.put(position(flow, name, label), new ChildRun(label,
        stopped() ? RunStatus.CANCELLED : succeeded ? RunStatus.SUCCEEDED : RunStatus.FAILED,
        null, steps, used));
    if (stopped()) {
      throw new Stopped();
    }
    if (!succeeded) {
      ErrorInfo first = recs.values().stream().filter(r -> r.status == StepStatus.FAILED)
          .map(r -> r.error).findFirst().orElse(ErrorInfo.of(ErrorInfo.SKIPPED, "did not run"));
      throw new FlowFailure(CHILD_FAILED, label + " of step '" + flow.slug() + "' failed: "
          + first);
    }
    return values;
  }

  /** Where a child run goes among its step's: element index, iteration, branch position. */
  private static int position(FlowStep flow, String name, String label) {
    if (label.startsWith("element ") || label.startsWith("iteration ")) {
      return Integer.parseInt(label.substring(label.indexOf(' ') + 1));
    }
    return new ArrayList<>(flow.children().keySet()).indexOf(name);
  }

  /** Records a branch that did not run. */
  private static void notRun(FlowStep flow, Rec rec, String branch, String note) {
    rec.children.put(position(flow, branch, "branch " + branch),
        new ChildRun("branch " + branch, null, note, List.of(), Usage.NONE));
  }

  /** The child's exposed outputs (all but a loop's predicate), in order. */
  private static List<JsonNode> outputs(FlowStep flow, String name, Map<UUID, JsonNode> values) {
    List<Cell<?>> exposed = new ArrayList<>(flow.children().get(name).outputs());
    if (flow.kind() == FlowStep.Kind.LOOP) {
      exposed.remove((int) flow.settings().whileOutput());
    }
    List<JsonNode> out = new ArrayList<>();
    for (Cell<?> cell : exposed) {
      out.add(values.get(cell.id()));
    }
    return out;
  }

  private JsonNode map(FlowStep flow, Rec rec, Map<String, JsonNode> inputs) {
    JsonNode items = claims.resolve(inputs.get(FlowStep.ITEMS));
    if (items == null || !items.isArray()) {
      throw new FlowFailure(NullPointerException.class.getName(), "the items of map step '"
          + flow.slug() + "' are null");
    }
    int size = items.size();
    JsonNode[] results = new JsonNode[size];
    String[] failures = new String[size];
    boolean batched = size > MAP_BATCH && io.temporal.workflow.Workflow.getVersion(
        MAP_BATCHES_CHANGE, io.temporal.workflow.Workflow.DEFAULT_VERSION, 1) == 1;
    boolean halted = batched ? runBatches(flow, rec, inputs, items, results, failures)
        : runElements(flow, rec, inputs, items, 0, results, failures);
    if (halted || stopped()) {
      throw new Stopped();
    }
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (failures[i] != null) {
        failed.add(i + ": " + failures[i]);
      }
    }
    if (!failed.isEmpty()) {
      throw new FlowFailure(CHILD_FAILED, failed.size() + " of " + size + " elements of map "
          + "step failed: " + String.join("; ", failed));
    }
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    Arrays.stream(results).forEach(list::add);
    return list;
  }

  /**
   * Runs the elements {@code items} (the whole list's from {@code offset}) with the map's
   * concurrency, filling {@code results} and {@code failures} at their index in the slice.
   *
   * @return whether the run was stopped meanwhile
   */
  private boolean runElements(FlowStep flow, Rec rec, Map<String, JsonNode> inputs,
      JsonNode items, int offset, JsonNode[] results, String[] failures) {
    int size = items.size();
    int[] next = {0};
    boolean[] halted = {false};
    List<Promise<Void>> workers = new ArrayList<>();
    for (int w = 0; w < Math.min(Math.max(1, flow.settings().maxConcurrency()), size); w++) {
      workers.add(Async.procedure(() -> {
        for (int i = next[0]++; i < size; i = next[0]++) {
          Map<String, JsonNode> byAlias = new HashMap<>(inputs);
          byAlias.put(flow.settings().itemInput(), items.get(i));
          try {
            results[i] = outputs(flow, FlowStep.BODY,
                child(flow, rec, FlowStep.BODY, byAlias, "element " + (offset + i))).get(0);
          } catch (FlowFailure e) {
            failures[i] = e.getMessage();
          } catch (Stopped e) {
            halted[0] = true;
          }
        }
      }));
    }
    Promise.allOf(workers).get();
    return halted[0];
  }

  /**
   * Runs a large map's elements in child workflows of {@link #MAP_BATCH} elements, one batch
   * after another (each with the map's concurrency), so that no history outgrows Temporal's
   * limit.
   *
   * @return whether the run was stopped meanwhile
   */
  private boolean runBatches(FlowStep flow, Rec rec, Map<String, JsonNode> inputs,
      JsonNode items, JsonNode[] results, String[] failures) {
    RunRequest parent = new RunRequest(request.runId(), request.workflowJson(), request.inputs(),
        null, request.options(), request.labels(), request.createdAtMillis(),
        request.heartbeatTimeoutMillis(), null, request.historyLimit(), false, false);
    for (int offset = 0; offset < items.size(); offset += MAP_BATCH) {
      if (stopped()) {
        return true;
      }
      ArrayNode slice = JsonNodeFactory.instance.arrayNode();
      for (int i = offset; i < Math.min(items.size(), offset + MAP_BATCH); i++) {
        slice.add(items.get(i));
      }
      String childId = request.runId() + "/" + rec.path + "/batch-" + (offset / MAP_BATCH);
      MapBatchWorkflow batch = io.temporal.workflow.Workflow.newChildWorkflowStub(
          MapBatchWorkflow.class, ChildWorkflowOptions.newBuilder().setWorkflowId(childId)
              .build());
      runningBatches.add(childId);
      BatchOutcome outcome;
      try {
        outcome = batch.run(new BatchRequest(parent, flow.id().toString(), rec.path, inputs,
            slice, offset));
      } catch (ChildWorkflowFailure e) {
        throw new FlowFailure(CHILD_FAILED, "batch " + childId + " failed: "
            + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
      } finally {
        runningBatches.remove(childId);
      }
      for (int i = 0; i < slice.size(); i++) {
        results[offset + i] = outcome.results().get(i);
        failures[offset + i] = outcome.failures().get(i);
      }
      for (Rec r = rec; r != null; r = r.parent) {
        r.usage = r.usage.plus(outcome.usage());
      }
      total = total.plus(outcome.usage());
      checkLimits(rec);
      if (outcome.stopped()) {
        return true;
      }
    }
    return false;
  }

  /** Runs one batch of a large map: the body of {@link MapBatch}. */
  BatchOutcome runBatch(BatchRequest batch) {
    this.request = batch.run();
    this.workflowHash = sha256(request.workflowJson());
    this.runId = UUID.fromString(request.runId());
    Workflow workflow = Workflow.fromJson(request.workflowJson());
    this.workflowName = workflow.name();
    FlowStep flow = (FlowStep) StepActivities.find(workflow, UUID.fromString(batch.flowStepId()));
    status = RunStatus.RUNNING;
    startedAt = now();
    Rec rec = new Rec(flow, batch.path(), null);
    JsonNode[] results = new JsonNode[batch.items().size()];
    String[] failures = new String[batch.items().size()];
    boolean halted = runElements(flow, rec, batch.inputs(), batch.items(), batch.offset(),
        results, failures);
    status = RunStatus.SUCCEEDED;
    return new BatchOutcome(Arrays.asList(results), Arrays.asList(failures), total,
        halted || stopped());
  }

  private List<JsonNode> conditional(FlowStep flow, Rec rec, Map<String, JsonNode> inputs) {
    JsonNode condition = claims.resolve(inputs.get(FlowStep.CONDITION));
    String chosen = condition == null ? "null" : condition.asText();
    if (!flow.children().containsKey(chosen)) {
      throw new FlowFailure(IllegalArgumentException.class.getName(), "conditional step has "
          + "no branch '" + chosen + "'; its branches are " + flow.children().keySet());
    }
    for (String branch : flow.children().keySet()) {
      if (!branch.equals(chosen)) {
        notRun(flow, rec, branch, "not taken: the condition was " + chosen);
      }
    }
    return outputs(flow, chosen, child(flow, rec, chosen, inputs, "branch " + chosen));
  }

  private List<JsonNode> loop(FlowStep flow, Rec rec, Map<String, JsonNode> inputs) {
    Map<String, JsonNode> values = new HashMap<>(inputs);
    Workflow body = flow.children().get(FlowStep.BODY);
    for (int iteration = 1; ; iteration++) {
      Map<UUID, JsonNode> result =
          child(flow, rec, FlowStep.BODY, values, "iteration " + iteration);
      JsonNode goOn = claims.resolve(
          result.get(body.outputs().get(flow.settings().whileOutput()).id()));
      for (Map.Entry<String, Integer> carried : flow.settings().carry().entrySet()) {
        values.put(carried.getKey(), result.get(body.outputs().get(carried.getValue()).id()));
      }
      if (goOn == null || !goOn.asBoolean()) {
        return outputs(flow, FlowStep.BODY, result);
      }
      if (iteration == flow.settings().maxIterations()) {
        throw new FlowFailure(IllegalStateException.class.getName(), "loop step still wanted to "
            + "go on after its maximum of " + iteration + " iterations; raise maxIterations or "
            + "check its predicate");
      }
    }
  }

  private JsonNode router(FlowStep flow, Rec rec, Map<String, JsonNode> inputs) {
    JsonNode routes = claims.resolve(inputs.get(FlowStep.ROUTES));
    if (routes == null || !routes.isArray()) {
      throw new FlowFailure(NullPointerException.class.getName(), "the routes of router step '"
          + flow.slug() + "' are null");
    }
    Map<String, JsonNode> keys = flow.settings().keys();
    Map<String, JsonNode> chosenKeys = new LinkedHashMap<>();
    for (JsonNode route : routes) {
      String branch = null;
      if (keys == null || keys.isEmpty()) {
        branch = route.asText();
      } else {
        for (Map.Entry<String, JsonNode> key : keys.entrySet()) {
          if (key.getValue().equals(route)) {
            branch = key.getKey();
          }
        }
      }
      if (branch == null || !flow.children().containsKey(branch)) {
        throw new FlowFailure(IllegalArgumentException.class.getName(), "router step was "
            + "routed to '" + (route.isTextual() ? route.asText() : route.toString())
            + "', which has no branch; its branches are " + flow.children().keySet());
      }
      chosenKeys.putIfAbsent(branch, route);
    }
    List<String> chosen = new ArrayList<>();
    for (String branch : flow.children().keySet()) {
      if (chosenKeys.containsKey(branch)) {
        chosen.add(branch);
      } else {
        notRun(flow, rec, branch, "not routed");
      }
    }
    Map<String, List<JsonNode>> outputs = branches(flow, rec, inputs, chosen, chosen.size());
    ObjectNode results = JsonNodeFactory.instance.objectNode();
    for (String branch : chosen) {
      JsonNode key = chosenKeys.get(branch);
      results.set(key.isTextual() ? key.asText() : key.toString(), outputs.get(branch).get(0));
    }
    return results;
  }

  private List<JsonNode> parallel(FlowStep flow, Rec rec, Map<String, JsonNode> inputs) {
    List<String> names = new ArrayList<>(flow.children().keySet());
    Map<String, List<JsonNode>> outputs =
        branches(flow, rec, inputs, names, flow.settings().maxConcurrency());
    List<JsonNode> all = new ArrayList<>();
    for (String name : names) {
      all.addAll(outputs.get(name));
    }
    return all;
  }

  private Map<String, List<JsonNode>> branches(FlowStep flow, Rec rec,
      Map<String, JsonNode> inputs, List<String> names, int maxConcurrency) {
    Map<String, List<JsonNode>> outputs = new HashMap<>();
    String[] failures = new String[names.size()];
    int[] next = {0};
    boolean[] halted = {false};
    List<Promise<Void>> workers = new ArrayList<>();
    for (int w = 0; w < Math.min(Math.max(1, maxConcurrency), names.size()); w++) {
      workers.add(Async.procedure(() -> {
        for (int i = next[0]++; i < names.size(); i = next[0]++) {
          String name = names.get(i);
          try {
            outputs.put(name, outputs(flow, name,
                child(flow, rec, name, inputs, "branch " + name)));
          } catch (FlowFailure e) {
            failures[i] = e.getMessage();
          } catch (Stopped e) {
            halted[0] = true;
          }
        }
      }));
    }
    Promise.allOf(workers).get();
    if (halted[0] || stopped()) {
      throw new Stopped();
    }
    for (String failure : failures) {
      if (failure != null) {
        throw new FlowFailure(CHILD_FAILED, failure);
      }
    }
    return outputs;
  }

  /**
   * Whether steps that become ready now wait for the run's next execution: once this execution's
   * history has reached the run's limit of events or Temporal suggests continuing as new because
   * of the history's size in bytes, and the run was not stopped. Only top-level steps wait; a control-flow step that runs goes on to its end (a
   * large map runs its elements in child workflows of their own). Decided once per execution,
   * from the history, so replays decide the same.
   */
  private boolean continueAsNew() {
    if (continuing) {
      return true;
    }
    if (stopped()) {
      return false;
    }
    int limit = request.historyLimit() > 0 ? request.historyLimit() : DEFAULT_HISTORY_LIMIT;
    io.temporal.workflow.WorkflowInfo info = io.temporal.workflow.Workflow.getInfo();
    // Temporal suggests continuing as new from 4,096 events (the test server and a cluster's
    // default), far below its limit of 51,200: the run's own limit decides on the count; a
    // history too large in bytes (4 MiB suggested, 50 MiB the limit) continues as suggested.
    boolean tooLarge = info.getSuggestContinueAsNewReasons()
        .contains(io.temporal.common.SuggestContinueAsNewReason.HISTORY_SIZE_TOO_LARGE);
    if (info.getHistoryLength() < limit && !tooLarge) {
      return false;
    }
    continuing = io.temporal.workflow.Workflow.getVersion(CONTINUE_AS_NEW_CHANGE,
        io.temporal.workflow.Workflow.DEFAULT_VERSION, 1) >= 1;
    return continuing;
  }

  // ------------------------------------------------------------------ options, records, events

  private StepOptions options(WorkflowStep step) {
    StepOptions options = request.options() == null ? null
        : request.options().get(step.id().toString());
    return options == null ? StepOptions.DEFAULT : options;
  }

  private ActivityOptions activityOptions(StepOptions options, RetryPolicy retry) {
    RetryPolicy policy = retry == null ? RetryPolicy.NONE : retry;
    Duration initial = policy.initialBackoff().compareTo(Duration.ofMillis(1)) < 0
        ? Duration.ofMillis(1) : policy.initialBackoff();
    Duration max = policy.maxBackoff().compareTo(initial) < 0 ? initial : policy.maxBackoff();
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(options.timeout() == null ? DEFAULT_START_TO_CLOSE
            : options.timeout().plus(TIMEOUT_GRACE))
        .setHeartbeatTimeout(Duration.ofMillis(request.heartbeatTimeoutMillis()))
        .setCancellationType(ActivityCancellationType.TRY_CANCEL)
        .setRetryOptions(RetryOptions.newBuilder()
            .setInitialInterval(initial)
            .setBackoffCoefficient(Math.max(1.0, policy.multiplier()))
            .setMaximumInterval(max)
            // Unbounded here: the activity makes a step's own errors non-retryable once its
            // policy says so, while attempts lost with a worker are always given to another.
            .setMaximumAttempts(0)
            .setDoNotRetry(policy.neverRetryOn().toArray(String[]::new))
            .build())
        .build();
  }

  private RunInfo info() {
    return new RunInfo(runId == null ? UUID.fromString("00000000-0000-0000-0000-000000000000")
        : runId, workflowName, status, createdAt, startedAt, finishedAt, error,
        request == null ? Map.of() : request.labels(), total);
  }

  private List<StepRecord> records() {
    List<StepRecord> records = new ArrayList<>();
    for (Rec rec : top.values()) {
      records.add(rec.record());
    }
    return records;
  }

  private void failedAttemptEvents(Rec rec, AttemptReport report, boolean retried) {
    int attempt = report.attempt().attempt();
    chunkEvents(rec, attempt, report.chunks());
    if (!rec.top()) {
      return;
    }
    event(RunEvent.Type.ATTEMPT_FAILED, rec, attempt, rec.status.name(), report.attempt().error(),
        null, report.attempt().usage());
    if (retried) {
      event(RunEvent.Type.RETRY_SCHEDULED, rec, attempt + 1, rec.status.name(), null, null,
          null);
      event(RunEvent.Type.ATTEMPT_STARTED, rec, attempt + 1, rec.status.name(), null, null,
          null);
    }
  }

  private void chunkEvents(Rec rec, int attempt, List<JsonNode> chunks) {
    if (!rec.top() || chunks == null) {
      return;
    }
    for (JsonNode chunk : chunks) {
      events.add(new RunEvent(events.size() + 1, runId, now(), RunEvent.Type.CHUNK,
          rec.step.id(), rec.step.slug(), attempt, rec.status.name(), null, null, null, chunk));
    }
  }

  private void stepEvent(RunEvent.Type type, Rec rec, int attempt, ErrorInfo error) {
    if (rec.top()) {
      event(type, rec, attempt, rec.status.name(), error, null,
          type == RunEvent.Type.STEP_SUCCEEDED || type == RunEvent.Type.STEP_FAILED
              ? rec.usage : null);
    }
  }

  private void event(RunEvent.Type type, Rec rec, int attempt, String stepStatus,
      ErrorInfo error, Duration delay, Usage usage) {
    events.add(new RunEvent(events.size() + 1, runId, now(), type,
        rec == null ? null : rec.step.id(), rec == null ? null : rec.step.slug(), attempt,
        stepStatus, error, delay, usage, null));
  }

  /** The SHA-256 of {@code text} in hex: how activities name the run's workflow. */
  static String sha256(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant now() {
    return Instant.ofEpochMilli(io.temporal.workflow.Workflow.currentTimeMillis());
  }
}
