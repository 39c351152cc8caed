package dev.fancy.internal.core;

import dev.fancy.run.RunEvent;
import dev.fancy.run.RunResult;
import dev.fancy.workflow.WorkflowStep;
import java.time.Duration;
import java.util.UUID;

/**
 * What the execution core reports while a run executes, one call per state change; the
 * {@link EventLog} numbers these into the contract's {@code RunEvent}s. Calls come from the
 * engine's worker threads, concurrently for parallel steps but in order for one step.
 */
interface RunObserver {

  /**
   * Where a child run of this run reports: the same log, its events marked with {@code child}
   * (its start and end reported as child-run events).
   */
  default RunObserver child(RunEvent.Child child) {
    return this;
  }

  /** The run's inputs were bound and its first steps are about to start. */
  default void runStarted(UUID runId, String workflowName) {}

  /** Every step is succeeded, failed, skipped or cancelled. */
  default void runFinished(RunResult result) {}

  /**
   * The step's inputs are resolved and its first attempt (or cache lookup) starts, at
   * {@code nanos} ({@link System#nanoTime()}, read once for the step's state and its event).
   */
  default void stepStarted(WorkflowStep step, long nanos) {}

  /** A chunk the step emitted through its frame; {@code sequence} counts from 0 per step. */
  default void chunk(WorkflowStep step, int attempt, long sequence, Object chunk) {}

  /**
   * Attempt {@code attempt} recorded checkpoint {@code number} (from 1 per step and run) of
   * {@code bytes} bytes of JSON.
   */
  default void checkpointed(WorkflowStep step, int attempt, long number, int bytes) {}

  /** An attempt failed (thrown, timed out, rejected by a validator or vetoed). */
  default void attemptFailed(WorkflowStep step, int attempt, Throwable error) {}

  /** Another attempt will run after {@code delay}. */
  default void retryScheduled(WorkflowStep step, int nextAttempt, Duration delay) {}

  /** The step's outputs came from the cache; nothing ran. */
  default void cacheHit(WorkflowStep step) {}

  /** Attempt {@code attempt} (2 or later; the first starts with the step) starts. */
  default void attemptStarted(WorkflowStep step, int attempt) {}

  /**
   * The step's outputs are stored, at {@code nanos} ({@link System#nanoTime()}); {@code attempt}
   * made them (0 if it ran no attempt here).
   */
  default void stepSucceeded(WorkflowStep step, int attempt, long nanos) {}

  /** The step failed after its last attempt (and its fallback, if any). */
  default void stepFailed(WorkflowStep step, int attempt, Throwable error) {}

  /** The step did not run; {@code reason} says why. */
  default void stepSkipped(WorkflowStep step, String reason) {}

  /** The step was running when the run was stopped; its outputs were not stored. */
  default void stepCancelled(WorkflowStep step, String reason) {}
}
