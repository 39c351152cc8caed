package dev.fancy.internal.core;

import dev.fancy.frame.CancellationSignal;
import dev.fancy.frame.Usage;
import dev.fancy.run.ChildRun;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.StepStatus;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.workflow.WorkflowStep;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The state of one run while it executes, and its scheduling.
 *
 * <p>A step becomes ready when its last dependency succeeds. At most {@code maxConcurrency}
 * workers run on the executor; each takes ready steps from a shared queue, and after finishing a
 * step runs one newly ready dependent itself (no hand-off for chains) and queues the others,
 * starting more workers while under the bound. When a step fails, every step that transitively
 * depends on it is marked skipped; independent steps go on. The run completes when every step is
 * succeeded, failed, skipped or cancelled. What one step's attempts do is {@link StepAttempts}'s
 * business; usage is added up in a {@link UsageAccount}; a journaled run writes through a
 * {@link JournalGate}, whose first failure halts the run here.
 */
final class RunExecution {

  final ExecutionPlan plan;
  final UUID runId;
  final EngineServices services;
  final RunOptions options;
  /** The run context (a group's child run: its copy, see {@link GroupContexts}), or null. */
  final Object context;
  /** Where the run reports its state changes: the top-level run's event log. */
  final RunObserver listeners;
  /** The run whose control-flow step started this child run, or null for a top-level run. */
  private final RunExecution parent;
  private final int parentStep;
  /** Where attempts are recorded durably; inactive for in-memory runs and child runs. */
  final JournalGate journal;
  final UsageAccount usage;
  /** The run's cell values, by slot. */
  final RunValues values;
  private final StepAttempts attempts;
  /** Per step, outputs an earlier execution committed (a resumed run), or null. */
  private final Object[][] restored;

  /** The steps' statuses, timings, errors and attempts. */
  final RunState state;
  /** Each step's latest checkpoint (a durable run's: as far as this process knows). */
  final RunCheckpoints checkpoints;
  /** Per step, how many of the steps it depends on have not succeeded yet. */
  private final AtomicIntegerArray waitingFor;
  /**
   * Per step, its first attempt, allocated in the journal by the transaction that committed the
   * step's last dependency ({@link #nextToAllocate}); taken when the step runs. Null for a run
   * without journal.
   */
  private final AtomicReferenceArray<StepJournal.JournalAttempt> allocated;
  final Instant startedAt = Instant.now();
  final long startedNanos = System.nanoTime();
  volatile long finishedNanos;

  private volatile boolean stopped;
  /** Set when the first stop scheduled the end of the cancel grace. */
  private final java.util.concurrent.atomic.AtomicBoolean graceStarted =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Ticker.Scheduled graceTimer;
  private volatile Ticker.Scheduled deadlineTimer;
  /** Whether the run was stopped because its deadline passed. */
  volatile boolean deadlinePassed;
  /** For a child run, which one it is ("element 3", "branch fast"), for messages; else null. */
  private volatile String label;
  volatile String stopReason;

  final CancellationSignal cancellation = this::isStopped;
  private final ConcurrentLinkedQueue<Integer> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger workers = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final CompletableFuture<RunResult> result = new CompletableFuture<>();

  /**
   * @param journal where the run's attempts are recorded, or null
   * @param usedBefore usage of earlier executions of this run
   * @param restored per step, the outputs an earlier execution committed, or null
   * @param events where the run reports what happens (a child run: its top-level run's log)
   */
  RunExecution(ExecutionPlan plan, UUID runId, EngineServices services, RunOptions options,
      Object context, RunExecution parent, int parentStep, StepJournal journal, Usage usedBefore,
      Object[][] restored, RunObserver events) {
    this.plan = plan;
    this.runId = runId;
    this.services = services;
    this.options = options;
    this.context = context;
    this.parent = parent;
    this.parentStep = parentStep;
    this.journal = journal == null ? JournalGate.NONE : new JournalGate(journal, this::halt);
    this.listeners = events;
    int n = plan.steps.length;
    this.usage = new UsageAccount(options.limits(), n, usedBefore);
    this.restored = restored;
    this.values = new RunValues(plan, runId, services.values(), services.references());
    this.state = new RunState(n);
    this.checkpoints = new RunCheckpoints(n);
    this.waitingFor = new AtomicIntegerArray(plan.dependencyCount);
    this.allocated = journal == null ? null : new AtomicReferenceArray<>(n);
    this.attempts = new StepAttempts(this);
  }

  /**
   * The step whose first attempt the journal should allocate in the transaction that commits
   * step {@code s}'s success, or -1: the first dependent that waits for nothing but {@code s} and
   * runs without policies or interceptors (those allocate each attempt themselves), which, once
   * {@code s} succeeds, is ready and runs next on this thread. Only {@code s}'s success can make
   * its count zero, so no other step's commit names it.
   */
  int nextToAllocate(int s) {
    if (allocated == null || isStopped()) {
      return -1;
    }
    for (int d = plan.depStart[s]; d < plan.depStart[s + 1]; d++) {
      int dependent = plan.dependent[d];
      if (waitingFor.get(dependent) == 1 && attempts.isPlain(dependent)
          && plan.children[dependent] == null
          && (restored == null || restored[dependent] == null)
          && state.status(dependent) == RunState.PENDING) {
        return dependent;
      }
    }
    return -1;
  }

  /** Keeps the attempt the journal allocated for step {@code s} ahead of its run. */
  void allocated(int s, StepJournal.JournalAttempt attempt) {
    allocated.set(s, attempt);
  }

  /** Takes the attempt allocated for step {@code s} ahead of its run, or null. */
  StepJournal.JournalAttempt takeAllocated(int s) {
    return allocated == null ? null : allocated.getAndSet(s, null);
  }

  /** Names this child run ("element 3") in the messages of its usage. */
  void label(String label) {
    this.label = label;
  }

  /** Whether this run, or a run it is a child of, was stopped. */
  boolean isStopped() {
    return stopped || (parent != null && parent.isStopped());
  }

  /** Stores the bound values of the source slots, then starts every step that waits for nothing. */
  CompletableFuture<RunResult> start(Object[] sourceValues) {
    for (int slot = 0; slot < sourceValues.length; slot++) {
      values.put(slot, sourceValues[slot]);
    }
    listeners.runStarted(runId, plan.workflow.name()); // a child's: a child-run event
    if (parent == null) {
      java.time.Duration deadline = options.deadline();
      if (deadline != null) {
        deadlineTimer = services.ticker().schedule(deadline, () -> {
          deadlinePassed = true;
          stop("the run's deadline of " + deadline + " passed");
        });
      }
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
      if (waitingFor.get(s) == 0 && state.status(s) == RunState.PENDING) {
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
   * Marks the steps whose results an earlier execution committed (a resumed run) as succeeded
   * with those outputs, so they never run again; returns how many.
   */
  private int restoreCommitted() {
    if (restored == null) {
      return 0;
    }
    int count = 0;
    long now = System.nanoTime();
    for (int s = 0; s < plan.steps.length; s++) {
      if (restored[s] == null) {
        continue;
      }
      storeOutputs(s, restored[s]);
      state.restored(s, now);
      count++;
      for (int d = plan.depStart[s]; d < plan.depStart[s + 1]; d++) {
        waitingFor.decrementAndGet(plan.dependent[d]);
      }
    }
    return count;
  }

  private void storeOutputs(int s, Object[] outputs) {
    int first = plan.outStart[s];
    for (int i = 0; i < outputs.length; i++) {
      int slot = plan.outSlot[first + i];
      values.put(slot, outputs[i]);
    }
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

  /** Puts step {@code s}, waiting for a retry, back in the ready queue (from a flow thread). */
  void requeue(int s) {
    services.flowThreads().get().execute(() -> {
      ready.add(-s - 1);
      spawnWorker();
    });
  }

  /** The workflow step {@code s}, as the run's observer is told about it. */
  WorkflowStep event(int s) {
    return plan.steps[s];
  }

  /** A step's work on one thread: it returns the outputs, or null if a retry was scheduled. */
  private interface StepWork {
    Object[] run() throws Throwable;
  }

  /** Runs step {@code s}; returns a newly ready dependent to run next on this thread, or -1. */
  private int execute(int s) {
    long now = System.nanoTime();
    if (!state.tryStart(s, now)) {
      return -1;
    }
    listeners.stepStarted(event(s), now);
    return proceed(s, () -> attempts.run(s, arguments(s)));
  }

  /** Continues step {@code s} after its retry backoff; returns as {@link #execute} does. */
  private int resume(int s) {
    StepAttempts.AttemptLoop loop = attempts.takeWaiting(s);
    if (loop == null) {
      return -1;
    }
    return proceed(s, () -> attempts.proceed(s, loop));
  }

  /** Runs {@code work} for step {@code s} and settles the step's state from its outcome. */
  private int proceed(int s, StepWork work) {
    state.runsOn(s, Thread.currentThread());
    Object[] outputs;
    try {
      outputs = work.run();
      if (outputs == null) {
        // A retry is scheduled: the step stays running without holding this worker.
        state.runsOn(s, null);
        Thread.interrupted();
        return -1;
      }
    } catch (Throwable t) {
      leave(s);
      attempts.land(s, null); // identical calls waiting for this one compute themselves
      if (isStopped()
          && (t instanceof CancellationException || t instanceof InterruptedException)) {
        if (!state.trySettle(s, RunState.CANCELLED, t)) {
          return dropAbandoned(s);
        }
        journal.end(plan.steps[s], StepStatus.CANCELLED, "the run was stopped: " + stopReason);
        listeners.stepCancelled(event(s), "the run was stopped: " + stopReason);
        finish(1);
        return -1;
      }
      if (!state.trySettle(s, RunState.FAILED, t)) {
        return dropAbandoned(s);
      }
      journal.end(plan.steps[s], StepStatus.FAILED, t.getClass().getName() + ": "
          + t.getMessage());
      listeners.stepFailed(event(s), state.lastAttempt(s), t);
      skipDependents(s);
      return -1;
    }
    if (!state.hold(s)) {
      leave(s);
      attempts.land(s, null);
      return dropAbandoned(s);
    }
    // A step whose code finished keeps its result, even if the run was stopped meanwhile: its
    // usage is counted (it was paid for) and a durable attempt committed it already.
    storeOutputs(s, outputs);
    long left = leave(s);
    attempts.land(s, null); // a step that led a flight and ended without caching (a fallback)
    state.trySettle(s, RunState.SUCCEEDED, null);
    listeners.stepSucceeded(event(s), state.lastAttempt(s), left);
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

  /**
   * The code of step {@code s}, abandoned when the run's cancel grace ran out, returned at last:
   * what it produced is dropped (the step was recorded cancelled and the run may have ended).
   */
  private int dropAbandoned(int s) {
    if (state.lingered(s)) {
      services.lingering().ended("step '" + plan.steps[s].slug() + "' of run " + runId,
          "was abandoned", (System.nanoTime() - state.end(s)) / 1_000_000);
    }
    return -1;
  }

  /** Records that step {@code s}'s code is over; returns when ({@link System#nanoTime()}). */
  private long leave(int s) {
    long now = System.nanoTime();
    state.left(s, now);
    Thread.interrupted(); // an interrupt meant for this step must not reach the next one
    return now;
  }

  private Object[] arguments(int s) {
    int first = plan.argStart[s];
    Object[] args = new Object[plan.argStart[s + 1] - first];
    for (int i = 0; i < args.length; i++) {
      int slot = plan.argSlot[first + i];
      Object value = values.get(slot);
      if (value == null && plan.argPrimitive[first + i]) {
        throw new NullPointerException("an input of step '" + plan.steps[s].slug()
            + "' is a primitive but cell '" + plan.cells[slot].alias() + "' holds null");
      }
      args[i] = value;
    }
    return args;
  }

  /** Adds a step's usage to the run's total; stops the run on the first breach of its limits. */
  void account(int s, Usage used) {
    if (used.equals(Usage.NONE)) {
      return;
    }
    account(s, used, "step '" + plan.steps[s].slug() + "'");
  }

  /**
   * Adds usage to step {@code s}; {@code origin} names the step that reported it (a child run's
   * step, with its element or branch, when it came from one).
   */
  private void account(int s, Usage used, String origin) {
    String breach = usage.add(s, used, stopped);
    if (breach != null) {
      stop("usage limit exceeded after " + origin + ": " + breach);
    }
    if (parent != null) {
      parent.accountFromChild(parentStep, used, origin + " (" + (label == null ? "child run"
          : label) + " of step '" + parent.plan.steps[parentStep].slug() + "')");
    }
  }

  /** Adds what a child run of control-flow step {@code s} used. */
  private void accountFromChild(int s, Usage used, String origin) {
    usage.fromChild(s, used);
    account(s, used, origin);
  }

  /**
   * What an attempt of step {@code s} journals as its usage: its own, and for a control-flow
   * step what its child runs reported meanwhile.
   */
  Usage journaled(int s, Usage own) {
    return own.plus(usage.takeFromChildren(s));
  }

  /** Records a child run of control-flow step {@code s}. */
  void addChildRun(int s, ChildRun child) {
    state.addChild(s, child);
  }

  /**
   * Stops the run: pending steps are skipped, running ones interrupted and then cancelled; those
   * still running when the run's cancel grace ends are abandoned.
   */
  void stop(String reason) {
    stopReason = reason;
    stopped = true;
    if (graceStarted.compareAndSet(false, true)) {
      graceTimer = services.ticker().schedule(options.cancelGrace(), this::abandonRunning);
    }
    int skipped = 0;
    for (int s = 0; s < plan.steps.length; s++) {
      if (state.trySkip(s, -1)) {
        skipped++;
        journal.end(plan.steps[s], StepStatus.SKIPPED, "the run was stopped: " + reason);
        listeners.stepSkipped(event(s), "the run was stopped: " + reason);
      } else {
        Thread thread = state.thread(s);
        if (thread != null && thread != Thread.currentThread()) {
          thread.interrupt();
        }
        if (attempts.wakeWaiting(s)) {
          requeue(s); // end it now instead of after its backoff
        }
      }
    }
    if (skipped > 0) {
      finish(skipped);
    }
  }

  /**
   * Ends the cancel grace of a stopped run: every step still running is abandoned — recorded
   * cancelled now, its code left to return on its own (counted as lingering if it holds a
   * thread), its result then dropped — so the run can end.
   */
  private void abandonRunning() {
    String why = "abandoned: its code ignored the interrupt for " + options.cancelGrace()
        + " after the run was stopped: " + stopReason;
    int abandoned = 0;
    for (int s = 0; s < plan.steps.length; s++) {
      if (state.tryAbandon(s, System.nanoTime(), new CancellationException(why))) {
        if (state.lingered(s)) {
          services.lingering().started();
        }
        abandoned++;
        journal.end(plan.steps[s], StepStatus.CANCELLED, why);
        listeners.stepCancelled(event(s), why);
      }
    }
    if (abandoned > 0) {
      finish(abandoned);
    }
  }

  /** Stops the run because its journal failed: nothing more is written for it here. */
  private void halt(RuntimeException fault) {
    stop("its journal failed: " + fault.getMessage());
  }

  private void skipDependents(int failed) {
    int count = 1;
    Deque<Integer> todo = new ArrayDeque<>();
    todo.push(failed);
    String reason = "step '" + plan.steps[failed].slug() + "' failed";
    while (!todo.isEmpty()) {
      int step = todo.pop();
      for (int d = plan.depStart[step]; d < plan.depStart[step + 1]; d++) {
        int dependent = plan.dependent[d];
        if (state.trySkip(dependent, failed)) {
          count++;
          journal.end(plan.steps[dependent], StepStatus.SKIPPED, reason);
          todo.push(dependent);
          listeners.stepSkipped(event(dependent), reason);
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
    cancel(deadlineTimer);
    cancel(graceTimer);
    RunResult runResult = new RunSnapshot(this).result(options.labels());
    listeners.runFinished(runResult); // a child's: a child-run event
    RuntimeException fault = journal.fault();
    if (fault != null) {
      result.completeExceptionally(fault);
    } else if (usage.atBreach() != null) {
      Usage total = runResult.usage();
      java.math.BigDecimal overshoot = total.cost().subtract(usage.atBreach().cost());
      result.completeExceptionally(new UsageLimitExceededException("run " + runId
          + " of workflow '" + plan.workflow.name() + "' stopped: " + stopReason
          + (overshoot.signum() > 0 ? "; attempts already running when the limit was crossed "
              + "spent " + overshoot.toPlainString() + " more, " + total.cost().toPlainString()
              + " in all" : ""), runResult, total));
    } else {
      result.complete(runResult);
    }
  }

  private static void cancel(Ticker.Scheduled timer) {
    if (timer != null) {
      timer.cancel();
    }
  }

  Instant instant(long nanos) {
    return startedAt.plusNanos(nanos - startedNanos);
  }
}
