package dev.fancy.internal.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.frame.Usage;
import dev.fancy.run.RunEvent;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * How a durable engine starts a run on an {@code Engine}: under a known ID, journaled, and (when
 * resuming) with the results and usage its steps already committed, which are never executed
 * again.
 *
 * @param runId the run's ID
 * @param journal where this run's attempts are recorded
 * @param committed outputs already committed, by workflow step ID (JSON, in output order)
 * @param usedBefore the usage the run's earlier attempts reported (counted against its limits)
 * @param firstEventSequence the sequence number of this execution's first event (one more than
 *     the last event the run journaled)
 * @param events receives each event of this execution, numbered and in order, to journal it
 */
public record JournaledRun(UUID runId, StepJournal journal, Map<UUID, ArrayNode> committed,
    Usage usedBefore, long firstEventSequence, Consumer<RunEvent> events) {

  /** Validates and copies. */
  public JournaledRun {
    Objects.requireNonNull(runId, "runId == null");
    Objects.requireNonNull(journal, "journal == null");
    committed = Map.copyOf(committed);
    Objects.requireNonNull(usedBefore, "usedBefore == null");
    Objects.requireNonNull(events, "events == null");
  }
}
