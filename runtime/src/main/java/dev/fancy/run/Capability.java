package dev.fancy.run;

import dev.fancy.journal.JournalEffects;
/**
 * A feature an engine may lack; {@link WorkflowEngine#capabilities()} says which it has, so a
 * surface can grey out what an engine cannot do and a conformance suite can skip with a reason.
 */
public enum Capability {
  /** Runs are recorded durably and survive the process ({@link WorkflowEngine#handle} works for
   *  runs started by another process). */
  DURABLE_RUNS,
  /** {@link WorkflowEngine#resume} continues a failed or cancelled run. */
  RESUME,
  /** {@link RunHandle#cancel} stops a run. */
  CANCEL,
  /** One mutable run context shared by the steps of a run. */
  SHARED_RUN_CONTEXT,
  /** Chunks reach subscribers while the step runs. */
  LIVE_CHUNKS,
  /** Concurrent identical cached steps compute once. */
  SINGLE_FLIGHT_CACHE,
  /** Steps' database effects commit with their results ({@code JournalEffects}). */
  TRANSACTIONAL_EFFECTS,
  /** {@link WorkflowEngine#delete} removes a finished run and everything recorded for it. */
  DELETE
}
