package dev.fancy.internal.core;

import dev.fancy.run.EventSubscription;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** A handle on a run that executes (or executed) in this engine. */
final class LocalRun implements RunHandle {

  private final RunExecution execution;
  private final CompletableFuture<RunResult> done;
  private final EventLog events;
  private final Map<String, String> labels;

  LocalRun(RunExecution execution, CompletableFuture<RunResult> done, EventLog events,
      Map<String, String> labels) {
    this.execution = execution;
    this.done = done;
    this.events = events;
    this.labels = labels;
  }

  /** Completes with the result, or exceptionally as {@link #result()} throws. */
  CompletableFuture<RunResult> done() {
    return done;
  }

  /** Drops the run's values (it was deleted). */
  void discardValues() {
    execution.values.discard();
  }

  /** The number of workflow steps, the weight of a kept finished run. */
  int weight() {
    return Math.max(1, execution.plan.steps.length);
  }

  @Override
  public UUID id() {
    return execution.runId;
  }

  @Override
  public RunStatus status() {
    return info().status();
  }

  /** The run's head record now. */
  RunInfo info() {
    RunResult result = finished();
    return result != null ? result.info() : new RunSnapshot(execution).info(false, labels);
  }

  /** The result if the run has ended (also when a usage limit stopped it), else null. */
  private RunResult finished() {
    if (!done.isDone()) {
      return null;
    }
    try {
      return done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof dev.fancy.run.UsageLimitExceededException limit) {
        return limit.result();
      }
      throw unwrap(e);
    }
  }

  @Override
  public RunStatus await(Duration timeout) {
    try {
      done.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return status();
    } catch (ExecutionException e) {
      // ended exceptionally: a usage limit (a result) or a journal failure (rethrown below)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for run " + id(), e);
    }
    return status();
  }

  @Override
  public RunResult result() {
    try {
      return done.join();
    } catch (CompletionException e) {
      throw unwrap(e);
    }
  }

  static RuntimeException unwrap(CompletionException e) {
    return e.getCause() instanceof RuntimeException cause ? cause : e;
  }

  @Override
  public boolean cancel(String reason) {
    if (done.isDone()) {
      return false;
    }
    execution.stop(reason);
    return true;
  }

  @Override
  public RunHistory history() {
    RunResult result = finished();
    if (result != null) {
      return result.runHistory();
    }
    RunSnapshot snapshot = new RunSnapshot(execution);
    return new RunHistory(snapshot.info(false, labels), snapshot.history());
  }

  @Override
  public List<RunEvent> events(long fromSequence) {
    return events.from(fromSequence);
  }

  @Override
  public EventSubscription subscribe(long fromSequence, Consumer<RunEvent> subscriber) {
    return events.subscribe(fromSequence, subscriber);
  }
}
