package dev.fancy.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.cache.CacheKey;
import dev.fancy.frame.CancellationSignal;
import dev.fancy.frame.ExecutionFrame;
import dev.fancy.frame.StepFailure;
import dev.fancy.frame.Usage;
import dev.fancy.frame.UsageMeter;
import dev.fancy.store.DatumStore;
import dev.fancy.value.ValueCodecException;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.WorkflowStep;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The state of one run while it executes.
 *
 * <p>Scheduling: a step becomes ready when its last dependency succeeds. At most
 * {@code maxConcurrency} workers run on the executor; each takes ready steps from a shared queue,
 * and after finishing a step runs one newly ready dependent itself (no hand-off for chains) and
 * queues the others, starting more workers while under the bound. When a step fails, every step
 * that transitively depends on it is marked skipped; independent steps go on. The run completes
 * when every step is succeeded, failed, skipped or cancelled.
 *
 * <p>A step attempt's state machine (see docs/semantics.md): cache lookup (if cached) → for each
 * attempt: fresh input copies (if retried) → interceptors' {@code before} → the step's code (on a
 * separate thread if it has a timeout) → output validators → interceptors' {@code after} → usage
 * is added to the run and checked against its limits → on failure, a retry after a backoff if the
 * policy allows, else the fallback, else the step fails.
 */
final class RunExecution {

  static final int PENDING = 0;
  static final int RUNNING = 1;
  static final int SUCCEEDED = 2;
  static final int FAILED = 3;
  static final int SKIPPED = 4;
  static final int CANCELLED = 5;

  final ExecutionPlan plan;
  final UUID runId;
  final EngineServices services;
  final RunOptions options;
  /** The run context; replaced when a parallel group merges its branches' copies. */
  volatile Object context;
  final Listeners listeners;
  /** The run whose control-flow step started this child run, or null for a top-level run. */
  private final RunExecution parent;
  private final int parentStep;
  /** Where attempts are recorded durably; null for in-memory runs and child runs. */
  private final StepJournal journal;
  /** Per control-flow step, its child runs; null for other steps. */
  final List<ChildRun>[] childRuns;

  final AtomicIntegerArray state;
  private final AtomicIntegerArray waitingFor;
  final long[] startNanos;
  final long[] endNanos;
  final Throwable[] errors;
  /** For a skipped step, the index of the failed step that caused it, or -1 if the run stopped. */
  final int[] skippedBecause;
  /** Per step, its attempts if it went through the attempt machinery; null otherwise. */
  final List<AttemptRecord>[] attempts;
  /** Per step, the usage its attempts reported; null for none. */
  final Usage[] usage;
  final boolean[] cacheHit;
  final boolean[] fallbackUsed;
  private final AtomicReferenceArray<Thread> running;
  /** Per step waiting for a retry's backoff, where its attempt loop stands. */
  private final AtomicReferenceArray<AttemptLoop> pendingRetries;
  final Instant startedAt = Instant.now();
  final long startedNanos = System.nanoTime();
  volatile long finishedNanos;

  private final Object usageLock = new Object();
  private Usage totalUsage = Usage.NONE;
  private volatile boolean stopped;
  volatile String stopReason;
  private volatile Usage usageAtBreach;
  private volatile int breachingStep = -1;

  private final CancellationSignal cancellation = this::isStopped;
  private final ConcurrentLinkedQueue<Integer> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger workers = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final CompletableFuture<RunResult> result = new CompletableFuture<>();

  @SuppressWarnings("unchecked")
  RunExecution(ExecutionPlan plan, UUID runId, EngineServices services, RunOptions options,
      Object context, RunExecution parent, int parentStep) {
    this.plan = plan;
    this.runId = runId;
    this.services = services;
    this.options = options;
    this.context = context;
    this.parent = parent;
    this.parentStep = parentStep;
    this.journal = parent == null ? services.journal() : null;
    List<RunListener> all = new ArrayList<>(services.listeners());
    all.addAll(options.listeners());
    this.listeners = new Listeners(all);
    int n = plan.steps.length;
    this.state = new AtomicIntegerArray(n);
    this.waitingFor = new AtomicIntegerArray(plan.dependencyCount);
    this.startNanos = new long[n];
    this.endNanos = new long[n];
    this.errors = new Throwable[n];
    this.skippedBecause = new int[n];
    this.attempts = new List[n];
    this.usage = new Usage[n];
    this.cacheHit = new boolean[n];
    this.fallbackUsed = new boolean[n];
    this.running = new AtomicReferenceArray<>(n);
    this.pendingRetries = new AtomicReferenceArray<>(n);
    this.childRuns = new List[n];
  }

  /** Whether this run, or a run it is a child of, was stopped. */
  boolean isStopped() {
    return stopped || (parent != null && parent.isStopped());
  }

  /** Stores the bound values of the source slots, then starts every step that waits for nothing. */
  CompletableFuture<RunResult> start(Object[] sourceValues) {
    for (int slot = 0; slot < sourceValues.length; slot++) {
      store(slot).put(runId, plan.cells[slot], sourceValues[slot]);
    }
    if (parent == null) {
      listeners.runStarted(runId, plan.workflow.name());
    }
    if (plan.steps.length == 0) {
      complete();
      return result;
    }
    int committed = restoreCommitted();
    if (committed == plan.steps.length) {
      finish(committed);
      return result;
    }
    for (int s = 0; s < plan.steps.length; s++) {
      if (waitingFor.get(s) == 0 && state.get(s) == PENDING) {
        ready.add(s);
      }
    }
    finish(committed);
    int initial = Math.min(services.maxConcurrency(), ready.size());
    for (int i = 0; i < initial; i++) {
      spawnWorker();
    }
    return result;
  }

  /**
   * Marks the steps whose results earlier attempts committed (a resumed run) as succeeded with
   * those outputs, so they never run again; returns how many.
   */
  private int restoreCommitted() {
    if (options.committed().isEmpty()) {
      return 0;
    }
    int restored = 0;
    long now = System.nanoTime();
    for (int s = 0; s < plan.steps.length; s++) {
      ArrayNode outputs = options.committed().get(plan.steps[s].id());
      if (outputs == null) {
        continue;
      }
      Object[] values = decodeOutputs(s, outputs);
      int first = plan.outStart[s];
      for (int i = 0; i < values.length; i++) {
        int slot = plan.outSlot[first + i];
        store(slot).put(runId, plan.cells[slot], values[i]);
      }
      startNanos[s] = now;
      endNanos[s] = now;
      state.set(s, SUCCEEDED);
      restored++;
      for (int d = plan.depStart[s]; d < plan.depStart[s + 1]; d++) {
        waitingFor.decrementAndGet(plan.dependent[d]);
      }
    }
    return restored;
  }

  private DatumStore store(int slot) {
    return plan.isReference(slot) ? services.references() : services.values();
  }

  private void spawnWorker() {
    for (;;) {
      int current = workers.get();
      if (current >= services.maxConcurrency()) {
        return;
      }
      if (workers.compareAndSet(current, current + 1)) {
        try {
          services.executor().execute(this::work);
        } catch (RejectedExecutionException e) {
          // The executor is saturated or shut down: keep the run going on this thread.
          work();
        }
        return;
      }
    }
  }

  private void work() {
    for (;;) {
      Integer next;
      while ((next = ready.poll()) != null) {
        int s = next >= 0 ? execute(next) : resume(-next - 1);
        while (s >= 0) {
          s = execute(s);
        }
      }
      workers.decrementAndGet();
      // A step may have been queued after the poll above returned null; take it over if no
      // other worker will.
      if (ready.isEmpty()) {
        return;
      }
      int current = workers.get();
      if (current >= services.maxConcurrency() || !workers.compareAndSet(current, current + 1)) {
        return;
      }
    }
  }

  private StepEvent event(int s) {
    WorkflowStep step = plan.steps[s];
    return new StepEvent(runId, step.id(), step.slug(), step.version());
  }

  /** A step's work on one thread: it returns the outputs, or null if a retry was scheduled. */
  private interface StepWork {
    Object[] run() throws Throwable;
  }

  /** Runs step {@code s}; returns a newly ready dependent to run next on this thread, or -1. */
  private int execute(int s) {
    if (!state.compareAndSet(s, PENDING, RUNNING)) {
      return -1;
    }
    startNanos[s] = System.nanoTime();
    if (!listeners.isEmpty()) {
      listeners.stepStarted(event(s));
    }
    return proceed(s, () -> {
      Object[] args = arguments(s);
      return plan.guarded[s] || !services.interceptors().isEmpty()
          ? attempts(s, args) : plainAttempt(s, args);
    });
  }

  /** Continues step {@code s} after its retry backoff; returns as {@link #execute} does. */
  private int resume(int s) {
    AttemptLoop loop = pendingRetries.getAndSet(s, null);
    if (loop == null) {
      return -1;
    }
    return proceed(s, () -> continueAttempts(s, loop));
  }

  /** Runs {@code work} for step {@code s} and settles the step's state from its outcome. */
  private int proceed(int s, StepWork work) {
    running.set(s, Thread.currentThread());
    boolean keep;
    try {
      Object[] outputs = work.run();
      if (outputs == null) {
        // A retry is scheduled: the step stays RUNNING without holding this worker.
        running.set(s, null);
        Thread.interrupted();
        return -1;
      }
      // Once the run is stopped only the step whose result breached the limit commits it.
      keep = !isStopped() || breachingStep == s;
      if (keep) {
        int first = plan.outStart[s];
        for (int i = 0; i < outputs.length; i++) {
          int slot = plan.outSlot[first + i];
          store(slot).put(runId, plan.cells[slot], outputs[i]);
        }
      }
    } catch (Throwable t) {
      leave(s);
      errors[s] = t;
      if (isStopped()
          && (t instanceof CancellationException || t instanceof InterruptedException)) {
        state.set(s, CANCELLED);
        journalEnd(s, StepStatus.CANCELLED, "the run was stopped: " + stopReason);
        finish(1);
        return -1;
      }
      state.set(s, FAILED);
      journalEnd(s, StepStatus.FAILED, t.getClass().getName() + ": " + t.getMessage());
      if (!listeners.isEmpty()) {
        listeners.stepFailed(event(s), t);
      }
      skipDependents(s);
      return -1;
    }
    leave(s);
    if (!keep) {
      state.set(s, CANCELLED);
      journalEnd(s, StepStatus.CANCELLED, "the run was stopped: " + stopReason);
      finish(1);
      return -1;
    }
    state.set(s, SUCCEEDED);
    if (!listeners.isEmpty()) {
      listeners.stepSucceeded(event(s));
    }
    int next = -1;
    if (!isStopped()) {
      for (int d = plan.depStart[s]; d < plan.depStart[s + 1]; d++) {
        int dependent = plan.dependent[d];
        if (waitingFor.decrementAndGet(dependent) == 0) {
          if (next < 0) {
            next = dependent;
          } else {
            ready.add(dependent);
            spawnWorker();
          }
        }
      }
    }
    finish(1);
    return next;
  }

  private void leave(int s) {
    endNanos[s] = System.nanoTime();
    running.set(s, null);
    Thread.interrupted(); // an interrupt meant for this step must not reach the next one
  }

  private Object[] arguments(int s) {
    int first = plan.argStart[s];
    Object[] args = new Object[plan.argStart[s + 1] - first];
    for (int i = 0; i < args.length; i++) {
      int slot = plan.argSlot[first + i];
      Object value = store(slot).get(runId, plan.cells[slot]);
      if (value == null && plan.argPrimitive[first + i]) {
        throw new NullPointerException("an input of step '" + plan.steps[s].slug()
            + "' is a primitive but cell '" + plan.cells[slot].alias() + "' holds null");
      }
      args[i] = value;
    }
    return args;
  }

  private ExecutionFrame frame(int s, int attempt, UsageMeter meter,
      StepJournal.JournalAttempt journaled) {
    ExecutionFrame.Builder frame = ExecutionFrame.builder(plan.steps[s]).runId(runId)
        .attempt(attempt).usage(meter).context(context).resources(services.resources())
        .cancellation(cancellation);
    if (journaled != null) {
      frame.idempotencyKey(journaled.idempotencyKey());
    }
    if (!listeners.isEmpty()) {
      StepEvent event = event(s);
      long[] sequence = new long[1];
      frame.chunks(chunk -> listeners.chunk(event, attempt, sequence[0]++, chunk));
    }
    return frame.build();
  }

  /** One attempt, no policies, no interceptors: the fast path. */
  private Object[] plainAttempt(int s, Object[] args) throws Exception {
    StepJournal.JournalAttempt journaled = beginJournal(s);
    if (journaled != null && journaled.committedOutputs() != null) {
      return decodeOutputs(s, journaled.committedOutputs());
    }
    UsageMeter meter = new UsageMeter();
    try {
      Object[] outputs = invoke(s, frame(s, 1, meter, journaled), args);
      commitJournal(s, journaled, outputs);
      return outputs;
    } catch (Exception e) {
      if (journaled != null) {
        journal.recordFailure(runId, plan.steps[s], journaled.idempotencyKey(), e, true);
      }
      throw e;
    } finally {
      account(s, meter.snapshot());
    }
  }

  private StepJournal.JournalAttempt beginJournal(int s) {
    return journal == null ? null : journal.beginAttempt(runId, plan.steps[s]);
  }

  private void commitJournal(int s, StepJournal.JournalAttempt journaled, Object[] outputs) {
    if (journaled != null) {
      journal.commitSuccess(runId, plan.steps[s], journaled.idempotencyKey(),
          encodeOutputs(outputs));
    }
  }

  private void journalEnd(int s, StepStatus status, String reason) {
    if (journal != null) {
      journal.recordEnd(runId, plan.steps[s], status, reason);
    }
  }

  private Object[] invoke(int s, ExecutionFrame frame, Object[] args) throws Exception {
    Object[] outputs = plan.children[s] != null ? FlowRunner.run(this, s, args)
        : plan.definitions[s].invoker().invoke(frame, args);
    int expected = plan.outStart[s + 1] - plan.outStart[s];
    if (outputs == null || outputs.length != expected) {
      throw new IllegalStateException("the invoker of " + plan.definitions[s].key()
          + " returned " + (outputs == null ? "null" : outputs.length + " values") + " for "
          + expected + " outputs; regenerate the step module");
    }
    return outputs;
  }

  /** Where a step's attempt loop stands; kept while the step waits for a retry's backoff. */
  private static final class AttemptLoop {
    final Object[] args;
    final byte[][] snapshot;
    final CacheKey key;
    int attempt;
    Throwable last;
    Future<?> timer;

    AttemptLoop(Object[] args, byte[][] snapshot, CacheKey key) {
      this.args = args;
      this.snapshot = snapshot;
      this.key = key;
    }
  }

  /**
   * The attempt machinery: cache, retries with fresh copies, timeouts, validators, fallback.
   * Returns the outputs, or null when the next attempt waits for its backoff: then a timer puts
   * the step back in the ready queue and no worker is held meanwhile (a durable timer, in
   * Temporal's terms, without the durability).
   */
  private Object[] attempts(int s, Object[] args) throws Throwable {
    StepOptions options = plan.options[s];
    attempts[s] = new ArrayList<>(options.maxAttempts());
    CacheKey key = null;
    if (options.cached()) {
      key = CacheKey.of(plan.steps[s].slug(), plan.steps[s].version(), inputNames(s), args,
          services.codec());
      Optional<ArrayNode> hit = services.cache().get(key);
      if (hit.isPresent()) {
        cacheHit[s] = true;
        if (!listeners.isEmpty()) {
          listeners.cacheHit(event(s));
        }
        return decodeOutputs(s, hit.get());
      }
    }
    byte[][] snapshot = options.maxAttempts() > 1 ? snapshot(s, args) : null;
    return continueAttempts(s, new AttemptLoop(args, snapshot, key));
  }

  private Object[] continueAttempts(int s, AttemptLoop loop) throws Throwable {
    StepOptions options = plan.options[s];
    while (loop.attempt < options.maxAttempts() && !isStopped()) {
      int attempt = ++loop.attempt;
      StepJournal.JournalAttempt journaled = beginJournal(s);
      if (journaled != null && journaled.committedOutputs() != null) {
        return decodeOutputs(s, journaled.committedOutputs());
      }
      Object[] attemptArgs = loop.snapshot == null ? loop.args
          : copies(s, loop.args, loop.snapshot);
      UsageMeter meter = new UsageMeter();
      ExecutionFrame frame = frame(s, attempt, meter, journaled);
      long start = System.nanoTime();
      Object[] outputs = null;
      Throwable error = null;
      try {
        outputs = attempt(s, frame, attemptArgs, options);
      } catch (Throwable t) {
        error = t;
      }
      long end = System.nanoTime();
      Usage used = meter.snapshot();
      attempts[s].add(new AttemptRecord(attempt, outcome(error), instant(start), instant(end),
          Duration.ofNanos(end - start), error == null ? null : error.getClass().getName(),
          error == null ? null : error.getMessage(), used));
      account(s, used);
      if (error == null) {
        if (loop.key != null) {
          services.cache().put(loop.key, encodeOutputs(outputs));
        }
        commitJournal(s, journaled, outputs);
        return outputs;
      }
      loop.last = error;
      if (!listeners.isEmpty()) {
        listeners.attemptFailed(event(s), attempt, error);
      }
      boolean retry = attempt < options.maxAttempts() && !isStopped()
          && options.retry().retries(error);
      if (journaled != null) {
        journal.recordFailure(runId, plan.steps[s], journaled.idempotencyKey(), error,
            !retry && plan.fallbacks[s] == null);
      }
      if (!retry) {
        break;
      }
      Duration delay = options.retry().backoff(attempt, ThreadLocalRandom.current().nextDouble());
      if (!listeners.isEmpty()) {
        listeners.retryScheduled(event(s), attempt + 1, delay);
      }
      if (!delay.isZero()) {
        scheduleRetry(s, loop, delay);
        return null;
      }
    }
    if (isStopped()) {
      throw new CancellationException("the run was stopped before attempt "
          + (loop.attempt + 1) + " of step '" + plan.steps[s].slug() + "'");
    }
    int attempt = loop.attempt;
    Throwable last = loop.last;
    Throwable failure = last instanceof OutputValidationException
        ? new OutputValidationException("validation failed after " + attempt + " attempt"
            + (attempt == 1 ? "" : "s") + ": " + last.getMessage())
        : last;
    if (plan.fallbacks[s] != null) {
      return fallback(s, loop.args, attempt, failure);
    }
    throw failure;
  }

  /**
   * Puts step {@code s} back in the ready queue after {@code delay}. The timer only hands the
   * step to a flow thread, which queues it and starts a worker under the run's bound.
   */
  private void scheduleRetry(int s, AttemptLoop loop, Duration delay) {
    pendingRetries.set(s, loop);
    loop.timer = services.timer().get().schedule(() -> requeue(s), delay.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  private void requeue(int s) {
    services.flowThreads().get().execute(() -> {
      ready.add(-s - 1);
      spawnWorker();
    });
  }

  private Object[] attempt(int s, ExecutionFrame frame, Object[] args, StepOptions options)
      throws Throwable {
    for (AttemptInterceptor interceptor : services.interceptors()) {
      try {
        interceptor.before(frame);
      } catch (AttemptVetoedException vetoed) {
        throw vetoed;
      } catch (Exception e) {
        throw new InterceptorFailedException(interceptor.getClass().getName(), "before", e);
      }
    }
    Object[] outputs = null;
    Throwable error = null;
    try {
      outputs = options.timeout() == null ? invoke(s, frame, args) : invokeWithTimeout(s, frame,
          args, options.timeout());
      for (int i = 0; i < plan.validators[s].length; i++) {
        String problem = plan.validators[s][i].problem(outputs);
        if (problem != null) {
          throw new OutputValidationException(
              "validator '" + options.validators().get(i) + "': " + problem);
        }
      }
    } catch (Throwable t) {
      error = t;
    }
    for (AttemptInterceptor interceptor : services.interceptors()) {
      try {
        interceptor.after(frame, error);
      } catch (Exception e) {
        InterceptorFailedException failed =
            new InterceptorFailedException(interceptor.getClass().getName(), "after", e);
        if (error == null) {
          error = failed;
        } else {
          error.addSuppressed(failed);
        }
      }
    }
    if (error != null) {
      throw error;
    }
    return outputs;
  }

  private Object[] invokeWithTimeout(int s, ExecutionFrame frame, Object[] args, Duration timeout)
      throws Throwable {
    Future<Object[]> call = services.timedAttempts().get().submit(() -> invoke(s, frame, args));
    try {
      return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new AttemptTimeoutException(plan.steps[s].slug(), frame.attempt(), timeout);
    } catch (ExecutionException e) {
      throw e.getCause();
    } catch (InterruptedException e) {
      call.cancel(true);
      throw new CancellationException("the run was stopped while step '"
          + plan.steps[s].slug() + "' ran");
    }
  }

  private static AttemptOutcome outcome(Throwable error) {
    if (error == null) {
      return AttemptOutcome.SUCCEEDED;
    } else if (error instanceof AttemptTimeoutException) {
      return AttemptOutcome.TIMED_OUT;
    } else if (error instanceof OutputValidationException) {
      return AttemptOutcome.VALIDATION_FAILED;
    } else if (error instanceof AttemptVetoedException) {
      return AttemptOutcome.VETOED;
    } else if (error instanceof CancellationException || error instanceof InterruptedException) {
      return AttemptOutcome.CANCELLED;
    }
    return AttemptOutcome.FAILED;
  }

  private Object[] fallback(int s, Object[] args, int attemptsMade, Throwable failure)
      throws Exception {
    int[] mapping = plan.fallbackArgs[s];
    StepFailure why = new StepFailure(plan.steps[s].slug(), attemptsMade,
        failure.getClass().getName(), failure.getMessage());
    Object[] fallbackArgs = new Object[mapping.length];
    for (int i = 0; i < mapping.length; i++) {
      fallbackArgs[i] = mapping[i] < 0 ? why : args[mapping[i]];
    }
    UsageMeter meter = new UsageMeter();
    StepJournal.JournalAttempt journaled = beginJournal(s);
    if (journaled != null && journaled.committedOutputs() != null) {
      fallbackUsed[s] = true;
      return decodeOutputs(s, journaled.committedOutputs());
    }
    try {
      Object[] outputs = plan.fallbacks[s].invoker()
          .invoke(frame(s, attemptsMade + 1, meter, journaled), fallbackArgs);
      int expected = plan.outStart[s + 1] - plan.outStart[s];
      if (outputs == null || outputs.length != expected) {
        throw new IllegalStateException("the fallback " + plan.fallbacks[s].key() + " returned "
            + (outputs == null ? "null" : outputs.length + " values") + " for " + expected
            + " outputs");
      }
      fallbackUsed[s] = true;
      commitJournal(s, journaled, outputs);
      return outputs;
    } catch (Exception e) {
      e.addSuppressed(failure);
      if (journaled != null) {
        journal.recordFailure(runId, plan.steps[s], journaled.idempotencyKey(), e, true);
      }
      throw e;
    } finally {
      account(s, meter.snapshot());
    }
  }

  private List<String> inputNames(int s) {
    var contract = plan.definitions[s].contract();
    return contract.openInputs() ? plan.steps[s].inputNames() : contract.inputNames();
  }

  /** JSON of every mutable argument, taken before the first attempt. */
  private byte[][] snapshot(int s, Object[] args) {
    byte[][] snapshot = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      if (!isImmutable(args[i])) {
        try {
          snapshot[i] = services.codec().toBytes(args[i]);
        } catch (ValueCodecException e) {
          throw new IllegalStateException("input '" + inputNames(s).get(i) + "' of step '"
              + plan.steps[s].slug() + "' cannot be copied for retries (each attempt gets a "
              + "fresh copy): " + e.getMessage(), e);
        }
      }
    }
    return snapshot;
  }

  private Object[] copies(int s, Object[] args, byte[][] snapshot) {
    Object[] copies = new Object[args.length];
    int first = plan.argStart[s];
    for (int i = 0; i < args.length; i++) {
      copies[i] = snapshot[i] == null ? args[i]
          : services.codec().fromBytes(snapshot[i], plan.argType[first + i]);
    }
    return copies;
  }

  /** Values no attempt can change, which need no copy. */
  private static boolean isImmutable(Object value) {
    return value == null || value instanceof String || value instanceof Number
        && (value instanceof Integer || value instanceof Long || value instanceof Double
            || value instanceof Float || value instanceof Short || value instanceof Byte
            || value instanceof BigDecimal || value instanceof java.math.BigInteger)
        || value instanceof Boolean || value instanceof Character || value instanceof Enum<?>
        || value instanceof UUID || value instanceof Path || value instanceof Duration
        || value instanceof TemporalAccessor && value.getClass().getName().startsWith("java.time.");
  }

  private ArrayNode encodeOutputs(Object[] outputs) {
    ArrayNode array = services.codec().mapper().createArrayNode();
    for (Object output : outputs) {
      array.add(services.codec().toTree(output));
    }
    return array;
  }

  private Object[] decodeOutputs(int s, ArrayNode array) {
    int first = plan.outStart[s];
    Object[] outputs = new Object[plan.outStart[s + 1] - first];
    if (array.size() != outputs.length) {
      throw new IllegalStateException("the cached result of step '" + plan.steps[s].slug()
          + "' has " + array.size() + " outputs, not " + outputs.length);
    }
    for (int i = 0; i < outputs.length; i++) {
      outputs[i] = services.codec().fromTree(array.get(i),
          plan.cells[plan.outSlot[first + i]].type());
    }
    return outputs;
  }

  /** Adds a step's usage to the run's total; stops the run on the first breach of its limits. */
  private void account(int s, Usage used) {
    if (used.equals(Usage.NONE)) {
      return;
    }
    String breach;
    Usage total;
    synchronized (usageLock) {
      usage[s] = usage[s] == null ? used : usage[s].plus(used);
      totalUsage = totalUsage.plus(used);
      total = totalUsage;
      breach = stopped ? null : options.limits().breach(total);
      if (breach != null) {
        usageAtBreach = total;
        breachingStep = s;
      }
    }
    if (breach != null) {
      stop("usage limit exceeded after step '" + plan.steps[s].slug() + "': " + breach);
    }
    if (parent != null) {
      parent.account(parentStep, used);
    }
  }

  /** Records a child run of control-flow step {@code s}. */
  void addChildRun(int s, ChildRun child) {
    synchronized (childRuns) {
      if (childRuns[s] == null) {
        childRuns[s] = new ArrayList<>();
      }
      childRuns[s].add(child);
    }
  }

  List<ChildRun> childRuns(int s) {
    synchronized (childRuns) {
      return childRuns[s] == null ? List.of() : List.copyOf(childRuns[s]);
    }
  }

  Usage totalUsage() {
    synchronized (usageLock) {
      return totalUsage;
    }
  }

  Usage usageAtBreach() {
    return usageAtBreach;
  }

  /** Stops the run: pending steps are skipped, running ones interrupted and then cancelled. */
  void stop(String reason) {
    stopReason = reason;
    stopped = true;
    int skipped = 0;
    for (int s = 0; s < plan.steps.length; s++) {
      if (state.compareAndSet(s, PENDING, SKIPPED)) {
        skippedBecause[s] = -1;
        skipped++;
        journalEnd(s, StepStatus.SKIPPED, "the run was stopped: " + reason);
        if (!listeners.isEmpty()) {
          listeners.stepSkipped(event(s), "the run was stopped: " + reason);
        }
      } else {
        Thread thread = running.get(s);
        if (thread != null && thread != Thread.currentThread()) {
          thread.interrupt();
        }
        AttemptLoop waiting = pendingRetries.get(s);
        if (waiting != null && waiting.timer != null && waiting.timer.cancel(false)) {
          requeue(s); // end it now instead of after its backoff
        }
      }
    }
    if (skipped > 0) {
      finish(skipped);
    }
  }

  private void skipDependents(int failed) {
    int count = 1;
    Deque<Integer> todo = new ArrayDeque<>();
    todo.push(failed);
    while (!todo.isEmpty()) {
      int step = todo.pop();
      for (int d = plan.depStart[step]; d < plan.depStart[step + 1]; d++) {
        int dependent = plan.dependent[d];
        if (state.compareAndSet(dependent, PENDING, SKIPPED)) {
          skippedBecause[dependent] = failed;
          count++;
          journalEnd(dependent, StepStatus.SKIPPED, "step '" + plan.steps[failed].slug()
              + "' failed");
          todo.push(dependent);
          if (!listeners.isEmpty()) {
            listeners.stepSkipped(event(dependent), "step '" + plan.steps[failed].slug()
                + "' failed");
          }
        }
      }
    }
    finish(count);
  }

  private void finish(int steps) {
    if (finished.addAndGet(steps) == plan.steps.length) {
      complete();
    }
  }

  private void complete() {
    finishedNanos = System.nanoTime();
    RunResult runResult = new RunResult(this);
    if (parent == null) {
      listeners.runFinished(runResult);
    }
    if (usageAtBreach != null) {
      result.completeExceptionally(new UsageLimitExceededException("run " + runId
          + " of workflow '" + plan.workflow.name() + "' stopped: " + stopReason, runResult,
          usageAtBreach));
    } else {
      result.complete(runResult);
    }
  }

  Instant instant(long nanos) {
    return startedAt.plusNanos(nanos - startedNanos);
  }
}
