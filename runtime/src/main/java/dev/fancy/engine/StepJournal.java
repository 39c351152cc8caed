package dev.fancy.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.workflow.WorkflowStep;
import java.util.UUID;

/**
 * Where an engine records step attempts durably (the SQLite journal implements it). The engine
 * calls it for every attempt of every top-level step, in this order: {@link #beginAttempt}
 * (allocates the attempt's idempotency key and marks the step running; committed before the
 * step's code runs) → if {@link JournalAttempt#committedOutputs()} is set, that result is used and
 * nothing runs → the step's code → {@link #commitSuccess} (outputs, status and key in one
 * transaction, durable before dependents start) or {@link #recordFailure}. Implementations must
 * be thread-safe.
 */
public interface StepJournal {

  /**
   * An allocated attempt.
   *
   * @param attempt the attempt's number across every process that ran the step, from 1
   * @param idempotencyKey the key of this attempt's effects, handed to the step's frame
   * @param committedOutputs outputs already committed under this key, or null
   */
  record JournalAttempt(int attempt, String idempotencyKey, ArrayNode committedOutputs) {}

  /** Allocates the next attempt of {@code step} in run {@code runId} and marks it running. */
  JournalAttempt beginAttempt(UUID runId, WorkflowStep step);

  /** Commits a successful attempt: its outputs (JSON, in output order) and the step's success. */
  void commitSuccess(UUID runId, WorkflowStep step, String idempotencyKey, ArrayNode outputs);

  /** Records a failed attempt; {@code last} says whether the step has failed for good. */
  void recordFailure(UUID runId, WorkflowStep step, String idempotencyKey, Throwable error,
      boolean last);

  /** Records that a step ended without succeeding: skipped or cancelled. */
  void recordEnd(UUID runId, WorkflowStep step, StepStatus status, String reason);
}
