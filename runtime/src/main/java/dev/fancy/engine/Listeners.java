package dev.fancy.engine;

import dev.fancy.run.RunResult;
import dev.fancy.run.RunListener;
import dev.fancy.run.StepEvent;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listeners of one run as one: calls each in order and logs, never rethrows, their errors. */
final class Listeners implements RunListener {

  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private final List<RunListener> listeners;

  Listeners(List<RunListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  boolean isEmpty() {
    return listeners.isEmpty();
  }

  private void each(String event, Consumer<RunListener> call) {
    for (RunListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException | Error e) {
        LOG.warn("run listener {} failed on {}; the run goes on", listener, event, e);
      }
    }
  }

  @Override
  public void runStarted(UUID runId, String workflowName) {
    each("runStarted", l -> l.runStarted(runId, workflowName));
  }

  @Override
  public void runFinished(RunResult result) {
    each("runFinished", l -> l.runFinished(result));
  }

  @Override
  public void stepStarted(StepEvent step) {
    each("stepStarted", l -> l.stepStarted(step));
  }

  @Override
  public void chunk(StepEvent step, int attempt, long sequence, Object chunk) {
    each("chunk", l -> l.chunk(step, attempt, sequence, chunk));
  }

  @Override
  public void attemptFailed(StepEvent step, int attempt, Throwable error) {
    each("attemptFailed", l -> l.attemptFailed(step, attempt, error));
  }

  @Override
  public void retryScheduled(StepEvent step, int nextAttempt, Duration delay) {
    each("retryScheduled", l -> l.retryScheduled(step, nextAttempt, delay));
  }

  @Override
  public void cacheHit(StepEvent step) {
    each("cacheHit", l -> l.cacheHit(step));
  }

  @Override
  public void stepSucceeded(StepEvent step) {
    each("stepSucceeded", l -> l.stepSucceeded(step));
  }

  @Override
  public void stepFailed(StepEvent step, Throwable error) {
    each("stepFailed", l -> l.stepFailed(step, error));
  }

  @Override
  public void stepSkipped(StepEvent step, String reason) {
    each("stepSkipped", l -> l.stepSkipped(step, reason));
  }

  @Override
  public void stepCancelled(StepEvent step, String reason) {
    each("stepCancelled", l -> l.stepCancelled(step, reason));
  }
}
