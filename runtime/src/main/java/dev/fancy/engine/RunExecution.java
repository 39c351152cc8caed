package dev.fancy.engine;

import dev.fancy.store.DatumStore;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The state of one run while it executes.
 *
 * <p>Scheduling: a step becomes ready when its last dependency succeeds. At most
 * {@code maxConcurrency} workers run on the executor; each takes ready steps from a shared queue,
 * and after finishing a step runs one newly ready dependent itself (no hand-off for chains) and
 * queues the others, starting more workers while under the bound. When a step fails, every step
 * that transitively depends on it is marked skipped; independent steps go on. The run completes
 * when every step is succeeded, failed or skipped.
 */
final class RunExecution {

  static final int PENDING = 0;
  static final int RUNNING = 1;
  static final int SUCCEEDED = 2;
  static final int FAILED = 3;
  static final int SKIPPED = 4;

  final ExecutionPlan plan;
  final UUID runId;
  final DatumStore values;
  final DatumStore references;
  private final Executor executor;
  private final int maxConcurrency;

  final AtomicIntegerArray state;
  private final AtomicIntegerArray waitingFor;
  final long[] startNanos;
  final long[] endNanos;
  final Throwable[] errors;
  /** For a skipped step, the index of the failed step that caused it. */
  final int[] skippedBecause;
  final Instant startedAt = Instant.now();
  final long startedNanos = System.nanoTime();
  volatile long finishedNanos;

  private final ConcurrentLinkedQueue<Integer> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger workers = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final CompletableFuture<RunResult> result = new CompletableFuture<>();

  RunExecution(ExecutionPlan plan, UUID runId, DatumStore values, DatumStore references,
      Executor executor, int maxConcurrency) {
    this.plan = plan;
    this.runId = runId;
    this.values = values;
    this.references = references;
    this.executor = executor;
    this.maxConcurrency = maxConcurrency;
    int n = plan.steps.length;
    this.state = new AtomicIntegerArray(n);
    this.waitingFor = new AtomicIntegerArray(plan.dependencyCount);
    this.startNanos = new long[n];
    this.endNanos = new long[n];
    this.errors = new Throwable[n];
    this.skippedBecause = new int[n];
  }

  /** Stores the bound values of the source slots, then starts every step that waits for nothing. */
  CompletableFuture<RunResult> start(Object[] sourceValues) {
    for (int slot = 0; slot < sourceValues.length; slot++) {
      store(slot).put(runId, plan.cells[slot], sourceValues[slot]);
    }
    if (plan.steps.length == 0) {
      complete();
      return result;
    }
    for (int s = 0; s < plan.steps.length; s++) {
      if (plan.dependencyCount[s] == 0) {
        ready.add(s);
      }
    }
    int initial = Math.min(maxConcurrency, ready.size());
    for (int i = 0; i < initial; i++) {
      spawnWorker();
    }
    return result;
  }

  private DatumStore store(int slot) {
    return plan.isReference(slot) ? references : values;
  }

  private void spawnWorker() {
    for (;;) {
      int current = workers.get();
      if (current >= maxConcurrency) {
        return;
      }
      if (workers.compareAndSet(current, current + 1)) {
        try {
          executor.execute(this::work);
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
        int s = next;
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
      if (current >= maxConcurrency || !workers.compareAndSet(current, current + 1)) {
        return;
      }
    }
  }

  /** Runs step {@code s}; returns a newly ready dependent to run next on this thread, or -1. */
  private int execute(int s) {
    if (!state.compareAndSet(s, PENDING, RUNNING)) {
      return -1;
    }
    startNanos[s] = System.nanoTime();
    try {
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
      Object[] outputs = plan.definitions[s].invoker().invoke(plan.steps[s], args);
      int firstOutput = plan.outStart[s];
      int outputCount = plan.outStart[s + 1] - firstOutput;
      if (outputs == null || outputs.length != outputCount) {
        throw new IllegalStateException("the invoker of " + plan.definitions[s].key()
            + " returned " + (outputs == null ? "null" : outputs.length + " values") + " for "
            + outputCount + " outputs; regenerate the step module");
      }
      for (int i = 0; i < outputs.length; i++) {
        int slot = plan.outSlot[firstOutput + i];
        store(slot).put(runId, plan.cells[slot], outputs[i]);
      }
    } catch (Throwable t) {
      endNanos[s] = System.nanoTime();
      errors[s] = t;
      state.set(s, FAILED);
      skipDependents(s);
      return -1;
    }
    endNanos[s] = System.nanoTime();
    state.set(s, SUCCEEDED);
    int next = -1;
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
    finish(1);
    return next;
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
          todo.push(dependent);
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
    result.complete(new RunResult(this));
  }
}
