package dev.fancy.engine.spi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.engine.Engine;
import dev.fancy.frame.Usage;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * How a durable engine starts a run on an {@link Engine}: under a known ID, journaled, and (when
 * resuming) with the results and usage its steps already committed, which are never executed
 * again.
 *
 * @param runId the run's ID
 * @param journal where this run's attempts are recorded
 * @param committed outputs already committed, by workflow step ID (JSON, in output order)
 * @param usedBefore the usage the run's earlier attempts reported (counted against its limits)
 */
public record JournaledRun(UUID runId, StepJournal journal, Map<UUID, ArrayNode> committed,
    Usage usedBefore) {

  /** Validates and copies. */
  public JournaledRun {
    Objects.requireNonNull(runId, "runId == null");
    Objects.requireNonNull(journal, "journal == null");
    committed = Map.copyOf(committed);
    Objects.requireNonNull(usedBefore, "usedBefore == null");
  }
}
