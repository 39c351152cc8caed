package dev.fancy.internal.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.cache.CacheKey;
import dev.fancy.frame.ExecutionFrame;
import dev.fancy.frame.StepFailure;
import dev.fancy.frame.Usage;
import dev.fancy.frame.UsageMeter;
import dev.fancy.internal.StepDefinition;
import dev.fancy.run.AttemptInterceptor;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.AttemptTimeoutException;
import dev.fancy.run.AttemptVetoedException;
import dev.fancy.run.ErrorInfo;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.WorkflowStep;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What one step's attempts do, for one run (see docs/semantics.md): cache lookup (if cached) →
 * for each attempt: the journal allocates it (a committed result is used instead) → fresh input
 * copies (if retried) → interceptors' {@code before} → the step's code (on a thread of its own if
 * it has a timeout) → output validators → interceptors' {@code after} → the journal commits the
 * outputs → the result is cached → usage is added to the run and checked against its limits → on
 * failure, a retry after a backoff if the policy allows, else the fallback, else the step fails.
 * While a step waits for its backoff no thread is held: a timer puts it back in the run's ready
 * queue (a durable timer, in Temporal's terms, without the durability).
 */
final class StepAttempts {

  /** Where a step's attempt loop stands; kept while the step waits for a retry's backoff. */
  static final class AttemptLoop {
    final Object[] args;
    /** Fresh copies of the inputs for each attempt if the step may retry, else null. */
    final InputCopies copies;
    final CacheKey key;
    int attempt;
    Throwable last;
    Ticker.Scheduled timer;
    /** Set while the step waits for another run's identical cached call to land. */
    boolean awaitingFlight;

    AttemptLoop(Object[] args, InputCopies copies, CacheKey key) {
      this.args = args;
      this.copies = copies;
      this.key = key;
    }
  }

  private final RunExecution run;
  private final ExecutionPlan plan;
  /** Per step waiting for a retry's backoff, where its attempt loop stands. */
  private final AtomicReferenceArray<AttemptLoop> waiting;
  /** Per step, the cached call it leads for identical calls of other runs, or null. */
  private final AtomicReferenceArray<Flight> leading;

  StepAttempts(RunExecution run) {
    this.run = run;
    this.plan = run.plan;
    this.waiting = new AtomicReferenceArray<>(plan.steps.length);
    this.leading = new AtomicReferenceArray<>(plan.steps.length);
  }

  /** Runs step {@code s}'s attempts; returns the outputs, or null if a retry waits its backoff. */
  Object[] run(int s, Object[] args) throws Throwable {
    return isPlain(s) ? plain(s, args) : guarded(s, args);
  }

  /**
   * Whether step {@code s} runs one attempt without policies or interceptors (the fast path),
   * which takes an attempt the journal allocated ahead of it ({@link RunExecution#takeAllocated}).
   */
  boolean isPlain(int s) {
    return !plan.guarded[s] && run.services.interceptors().isEmpty();
  }

  /** The loop of a step whose backoff ended, or null if none waits. */
  AttemptLoop takeWaiting(int s) {
    return waiting.getAndSet(s, null);
  }

  /** Ends step {@code s}'s backoff early (the run stopped); returns whether one was waiting. */
  boolean wakeWaiting(int s) {
    AttemptLoop loop = waiting.get(s);
    return loop != null && (loop.awaitingFlight || loop.timer != null && loop.timer.cancel());
  }

  private ExecutionFrame frame(int s, int attempt, UsageMeter meter,
      StepJournal.JournalAttempt journaled, AttemptCheckpoints checkpoints) {
    return frame(s, attempt, meter, journaled, checkpoints, null);
  }

  /** As above, with the heartbeat the frame reports to (null: none). */
  private ExecutionFrame frame(int s, int attempt, UsageMeter meter,
      StepJournal.JournalAttempt journaled, AttemptCheckpoints checkpoints, Heartbeat heartbeat) {
    // A journaled attempt is numbered across every process that ran the step, as its key is.
    ExecutionFrame.Builder frame = ExecutionFrame.builder(plan.steps[s]).runId(run.runId)
        .attempt(journaled != null ? journaled.attempt() : attempt).usage(meter)
        .context(run.context).resources(run.services.resources())
        .cancellation(run.cancellation).checkpoints(checkpoints);
    if (journaled != null) {
      frame.idempotencyKey(journaled.idempotencyKey());
    }
    if (heartbeat != null) {
      frame.heartbeats(heartbeat);
    }
    WorkflowStep event = run.event(s);
    long[] sequence = new long[1];
    frame.chunks(chunk -> run.listeners.chunk(event, attempt, sequence[0]++, chunk));
    return frame.build();
  }

  /**
   * Commits step {@code s}'s successful attempt, allocating in the same transaction the first
   * attempt of the dependent that runs next ({@link RunExecution#nextToAllocate}).
   */
  private void commit(int s, StepJournal.JournalAttempt journaled, Object[] outputs,
      Usage usage) {
    int next = run.nextToAllocate(s);
    StepJournal.JournalAttempt allocated = run.journal.commit(plan.steps[s], journaled,
        encode(outputs), usage, next < 0 ? null : plan.steps[next]);
    if (allocated != null) {
      run.allocated(next, allocated);
    }
  }

  /**
   * Holds running step {@code s} for this thread before it writes the end of an attempt to the
   * journal, so a stopped run's grace cannot end the step in the middle.
   *
   * @throws AttemptAbandonedException if the grace ended it already: nothing is written
   */
  private void hold(int s) {
    if (!run.state.hold(s)) {
      throw new AttemptAbandonedException(plan.steps[s].slug());
    }
  }

  private AttemptCheckpoints checkpoints(int s, int attempt,
      StepJournal.JournalAttempt journaled) {
    return new AttemptCheckpoints(run, s, journaled != null ? journaled.attempt() : attempt,
        journaled);
  }

  /** One attempt, no policies, no interceptors: the fast path. */
  private Object[] plain(int s, Object[] args) throws Exception {
    WorkflowStep step = plan.steps[s];
    StepJournal.JournalAttempt journaled = run.takeAllocated(s);
    if (journaled == null) {
      journaled = run.journal.begin(step);
    }
    if (journaled != null && journaled.committedOutputs() != null) {
      return decode(s, journaled.committedOutputs());
    }
    UsageMeter meter = new UsageMeter();
    AttemptCheckpoints checkpoints = checkpoints(s, 1, journaled);
    Object[] outputs;
    try {
      try {
        outputs = invoke(s, frame(s, 1, meter, journaled, checkpoints), args);
      } finally {
        checkpoints.end();
      }
      if (journaled != null) {
        hold(s);
        commit(s, journaled, outputs, run.journaled(s, meter.snapshot()));
      }
    } catch (RunHaltedException | AttemptAbandonedException e) {
      run.account(s, meter.snapshot());
      throw e;
    } catch (Exception e) {
      Usage used = meter.snapshot();
      run.account(s, used);
      if (journaled != null) {
        hold(s);
      }
      run.journal.failure(step, journaled, e, run.journaled(s, used), true);
      throw e;
    }
    run.account(s, meter.snapshot());
    return outputs;
  }

  /** The attempt machinery: cache, retries with fresh copies, timeouts, validators, fallback. */
  private Object[] guarded(int s, Object[] args) throws Throwable {
    StepOptions options = plan.options[s];
    run.state.expectAttempts(s, options.maxAttempts());
    CacheKey key = null;
    if (options.cached()) {
      key = CacheKey.of(plan.steps[s].slug(), plan.steps[s].version(), inputNames(s), args,
          run.services.codec());
      Optional<ArrayNode> hit = run.services.cache().get(key);
      if (hit.isPresent()) {
        return cacheHit(s, hit.get());
      }
      CompletableFuture<ArrayNode> mine = new CompletableFuture<>();
      CompletableFuture<ArrayNode> leader = run.services.flights().join(key, mine);
      if (leader != mine) {
        // Another run computes the same call: wait for it without holding a worker, like a
        // backoff, then look in the cache again.
        AttemptLoop loop = new AttemptLoop(args, copies(s, args), key);
        loop.awaitingFlight = true;
        waiting.set(s, loop);
        leader.whenComplete((outputs, error) -> run.requeue(s));
        return null;
      }
      leading.set(s, new Flight(key, mine));
    }
    return proceed(s, new AttemptLoop(args, copies(s, args), key));
  }

  private InputCopies copies(int s, Object[] args) {
    return plan.options[s].maxAttempts() > 1 ? new InputCopies(args, inputNames(s),
        plan.steps[s].slug(), plan.argType, plan.argStart[s], run.services.codec()) : null;
  }

  private Object[] cacheHit(int s, ArrayNode outputs) {
    run.state.markCacheHit(s);
    run.listeners.cacheHit(run.event(s));
    return decode(s, outputs);
  }

  /** A cached call this run leads for the engine's other identical calls. */
  private record Flight(CacheKey key, CompletableFuture<ArrayNode> future) {}

  /**
   * Ends the flight step {@code s} leads, if any: the waiting calls get {@code outputs}, or
   * compute themselves if null (the step failed or was cancelled).
   */
  void land(int s, ArrayNode outputs) {
    Flight flight = leading.getAndSet(s, null);
    if (flight != null) {
      run.services.flights().land(flight.key(), flight.future(), outputs);
    }
  }

  /** Runs attempts from where {@code loop} stands; null when the next waits for its backoff. */
  Object[] proceed(int s, AttemptLoop loop) throws Throwable {
    StepOptions options = plan.options[s];
    WorkflowStep step = plan.steps[s];
    if (loop.awaitingFlight) {
      loop.awaitingFlight = false;
      Optional<ArrayNode> hit = run.services.cache().get(loop.key);
      if (hit.isPresent()) {
        return cacheHit(s, hit.get());
      }
      // The other call failed: compute here (leading the next identical calls).
      CompletableFuture<ArrayNode> mine = new CompletableFuture<>();
      if (run.services.flights().join(loop.key, mine) == mine) {
        leading.set(s, new Flight(loop.key, mine));
      }
    }
    while (loop.attempt < options.maxAttempts() && !run.isStopped()) {
      int attempt = ++loop.attempt;
      if (attempt > 1) {
        run.listeners.attemptStarted(step, attempt);
      }
      StepJournal.JournalAttempt journaled = run.journal.begin(step);
      if (journaled != null && journaled.committedOutputs() != null) {
        return decode(s, journaled.committedOutputs());
      }
      Object[] attemptArgs = loop.copies == null ? loop.args : loop.copies.next();
      UsageMeter meter = new UsageMeter();
      Heartbeat heartbeat = options.heartbeatTimeout() == null ? null
          : new Heartbeat(run.services.ticker());
      AttemptCheckpoints checkpoints = checkpoints(s, attempt, journaled);
      ExecutionFrame frame = frame(s, attempt, meter, journaled, checkpoints, heartbeat);
      long start = System.nanoTime();
      Object[] outputs = null;
      Throwable error = null;
      try {
        outputs = attempt(s, frame, attemptArgs, options, heartbeat);
      } catch (Throwable t) {
        error = t;
      }
      checkpoints.end(); // a timed-out attempt's code may go on: it records nothing more
      Usage used = meter.snapshot();
      if (error == null && journaled != null) {
        try {
          hold(s);
          commit(s, journaled, outputs, run.journaled(s, used));
        } catch (AttemptRejectedException rejected) {
          error = rejected;
        } catch (RunHaltedException | AttemptAbandonedException halted) {
          run.account(s, used);
          throw halted;
        }
      }
      long end = System.nanoTime();
      AttemptRecord record = new AttemptRecord(attempt, outcome(error),
          journaled != null ? journaled.idempotencyKey()
              : run.runId + ":" + step.id() + ":" + attempt, run.instant(start), run.instant(end),
          Duration.ofNanos(end - start), error == null ? null
              : ErrorInfo.of(error, attempt < options.maxAttempts()
                  && options.retry().retries(error)), used);
      run.state.attempted(s, record);
      run.account(s, used);
      if (error == null) {
        if (loop.key != null) {
          ArrayNode encoded = encode(outputs);
          run.services.cache().put(loop.key, encoded);
          land(s, encoded);
        }
        return outputs;
      }
      loop.last = error;
      run.listeners.attemptFailed(run.event(s), attempt, error);
      boolean retry = attempt < options.maxAttempts() && !run.isStopped()
          && options.retry().retries(error);
      if (journaled != null) {
        hold(s);
        run.journal.failure(step, journaled, error, run.journaled(s, used),
            !retry && plan.fallbacks[s] == null);
      }
      if (!retry) {
        break;
      }
      if (journaled != null) {
        run.state.release(s); // the grace may end the step while it waits for its backoff
      }
      Duration delay = options.retry().backoff(attempt, ThreadLocalRandom.current().nextDouble());
      run.listeners.retryScheduled(run.event(s), attempt + 1, delay);
      if (!delay.isZero()) {
        waiting.set(s, loop);
        loop.timer = run.services.ticker().schedule(delay, () -> run.requeue(s));
        // A stop that came before the timer existed could not end the wait: end it here.
        if (run.isStopped() && loop.timer.cancel()) {
          run.requeue(s);
        }
        return null;
      }
    }
    if (run.isStopped()) {
      throw new CancellationException("the run was stopped before attempt "
          + (loop.attempt + 1) + " of step '" + step.slug() + "'");
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

  private Object[] attempt(int s, ExecutionFrame frame, Object[] args, StepOptions options,
      Heartbeat heartbeat) throws Throwable {
    List<AttemptInterceptor> interceptors = run.services.interceptors();
    for (AttemptInterceptor interceptor : interceptors) {
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
      outputs = options.timeout() == null && heartbeat == null ? invoke(s, frame, args)
          : run.services.timedAttempts().call(plan.steps[s].slug(), frame.attempt(),
              options.timeout(), options.heartbeatTimeout(), heartbeat,
              () -> invoke(s, frame, args));
      for (ExecutionPlan.Validation validation : plan.validators[s]) {
        String problem = validation.validator().problem(outputs[validation.output()]);
        if (problem != null) {
          throw new OutputValidationException(validation.description() + ": " + problem);
        }
      }
    } catch (Throwable t) {
      error = t;
    }
    for (AttemptInterceptor interceptor : interceptors) {
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

  private static AttemptStatus outcome(Throwable error) {
    if (error == null) {
      return AttemptStatus.SUCCEEDED;
    } else if (error instanceof AttemptTimeoutException) {
      return AttemptStatus.TIMED_OUT;
    } else if (error instanceof OutputValidationException) {
      return AttemptStatus.VALIDATION_FAILED;
    } else if (error instanceof AttemptVetoedException) {
      return AttemptStatus.VETOED;
    } else if (error instanceof CancellationException || error instanceof InterruptedException) {
      return AttemptStatus.CANCELLED;
    }
    return AttemptStatus.FAILED;
  }

  private Object[] fallback(int s, Object[] args, int attemptsMade, Throwable failure)
      throws Exception {
    WorkflowStep step = plan.steps[s];
    int[] mapping = plan.fallbackArgs[s];
    StepFailure why = new StepFailure(step.slug(), attemptsMade, failure.getClass().getName(),
        failure.getMessage());
    Object[] fallbackArgs = new Object[mapping.length];
    for (int i = 0; i < mapping.length; i++) {
      fallbackArgs[i] = mapping[i] < 0 ? why : args[mapping[i]];
    }
    StepJournal.JournalAttempt journaled = run.journal.begin(step);
    if (journaled != null && journaled.committedOutputs() != null) {
      run.state.markFallbackUsed(s);
      return decode(s, journaled.committedOutputs());
    }
    UsageMeter meter = new UsageMeter();
    run.state.release(s); // the grace may end the fallback too
    AttemptCheckpoints checkpoints = checkpoints(s, attemptsMade + 1, journaled);
    try {
      Object[] outputs;
      try {
        outputs = plan.fallbacks[s].invoker()
            .invoke(frame(s, attemptsMade + 1, meter, journaled, checkpoints), fallbackArgs);
      } finally {
        checkpoints.end();
      }
      requireOutputs(s, outputs, "the fallback ", plan.fallbacks[s]);
      if (journaled != null) {
        hold(s);
        run.journal.commit(step, journaled, encode(outputs), meter.snapshot(), null);
      }
      run.state.markFallbackUsed(s);
      return outputs;
    } catch (RunHaltedException | AttemptAbandonedException e) {
      throw e;
    } catch (Exception e) {
      e.addSuppressed(failure);
      if (journaled != null) {
        hold(s);
      }
      run.journal.failure(step, journaled, e, meter.snapshot(), true);
      throw e;
    } finally {
      run.account(s, meter.snapshot());
    }
  }

  private List<String> inputNames(int s) {
    var contract = plan.definitions[s].contract();
    return contract.openInputs() ? plan.steps[s].inputNames() : contract.inputNames();
  }

  private Object[] invoke(int s, ExecutionFrame frame, Object[] args) throws Exception {
    Object[] outputs = plan.children[s] != null ? FlowRunner.run(run, s, args)
        : plan.definitions[s].invoker().invoke(frame, args);
    requireOutputs(s, outputs, "the invoker of ", plan.definitions[s]);
    return outputs;
  }

  /** Checks the number of outputs {@code definition}'s code ({@code what}) returned. */
  private void requireOutputs(int s, Object[] outputs, String what, StepDefinition definition) {
    int expected = plan.outStart[s + 1] - plan.outStart[s];
    if (outputs == null || outputs.length != expected) {
      throw new IllegalStateException(what + definition.key() + " returned "
          + (outputs == null ? "null" : outputs.length + " values") + " for " + expected
          + " outputs; regenerate the step module");
    }
  }

  private ArrayNode encode(Object[] outputs) {
    ArrayNode array = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    for (Object output : outputs) {
      array.add(run.services.codec().toTree(output));
    }
    return array;
  }

  /**
   * Step {@code s}'s outputs read from JSON (a cache hit or a committed attempt).
   *
   * @throws IllegalStateException if the number of outputs differs
   * @throws dev.fancy.value.ValueCodecException if a value does not fit its cell's type
   */
  Object[] decode(int s, ArrayNode array) {
    return plan.decodeOutputs(s, array, run.services.codec());
  }
}
