package dev.fancy.internal.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.frame.Usage;
import dev.fancy.journal.JournalException;
import dev.fancy.run.StepStatus;
import dev.fancy.workflow.WorkflowStep;

/**
 * Where the engine records the attempts of one run durably; a durable engine makes one per run it
 * executes (the SQLite journal implements it, fencing every write with the run's lease). The
 * engine calls it for every attempt of every top-level step, in this order: {@link #beginAttempt}
 * (allocates the attempt's idempotency key and marks the step running; committed before the
 * step's code runs) → if {@link JournalAttempt#committedOutputs()} is set, that result is used and
 * nothing runs → the step's code → {@link #commitSuccess} (outputs, usage, status and the
 * attempt's staged effects in one transaction, durable before dependents start) or
 * {@link #recordFailure}. Implementations must be thread-safe.
 *
 * <p>A method that throws a {@code JournalException} (disk full, lease lost, ...) stops the run in
 * this process at once, without further writes: the run stays resumable in the journal. Any other
 * exception from {@link #commitSuccess} fails the attempt (a staged effect was rejected).
 */
public interface StepJournal {

  /**
   * An allocated attempt.
   *
   * @param attempt the attempt's number across every process that ran the step, from 1
   * @param idempotencyKey the key of this attempt's effects, handed to the step's frame
   * @param committedOutputs outputs the step already committed (in an earlier attempt), or null
   */
  record JournalAttempt(int attempt, String idempotencyKey, ArrayNode committedOutputs) {}

  /** Allocates the next attempt of {@code step} and marks it running. */
  JournalAttempt beginAttempt(WorkflowStep step);

  /**
   * Commits a successful attempt: its outputs (JSON, in output order), usage and the success;
   * and, if {@code next} is not null, allocates the next attempt of {@code next} in the same
   * transaction, exactly as {@link #beginAttempt} would (returning a committed result instead if
   * {@code next} has one). The engine names the step that becomes ready with this success and
   * runs next, so that a chain commits once per step instead of twice; the allocation is still
   * committed before that step's code runs. If that step never runs (the run is stopped first),
   * its allocated attempt is closed with the run, like any attempt left running.
   *
   * @return the attempt allocated for {@code next}, or null if {@code next} is null
   */
  JournalAttempt commitSuccess(WorkflowStep step, JournalAttempt attempt, ArrayNode outputs,
      Usage usage, WorkflowStep next);

  /** Records a failed attempt; {@code last} says whether the step has failed for good. */
  void recordFailure(WorkflowStep step, JournalAttempt attempt, Throwable error, Usage usage,
      boolean last);

  /** Records that a step ended without succeeding: skipped or cancelled. */
  void recordEnd(WorkflowStep step, StepStatus status, String reason);

  /**
   * A step's latest checkpoint.
   *
   * @param number its number, from 1 per step and run
   * @param json the value's JSON
   */
  record JournalCheckpoint(long number, String json) {}

  /**
   * Records {@code json} as the step's latest checkpoint, written by {@code attempt} while it
   * runs; durable when this returns.
   *
   * @return the checkpoint's number, or 0 if {@code attempt} is no longer running in the journal
   *     (nothing was written)
   */
  long recordCheckpoint(WorkflowStep step, JournalAttempt attempt, String json);

  /** The step's latest checkpoint in this run, or null if it has none. */
  JournalCheckpoint latestCheckpoint(WorkflowStep step);
}
