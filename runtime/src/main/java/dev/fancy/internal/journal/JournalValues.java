package dev.fancy.internal.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.run.RunResult;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A journaled run's cell values read back from the journal (committed outputs, inputs and
 * constants), decoded lazily with the engine's codec: what a process that did not execute the
 * run (or no longer keeps its values) reads a result's cells from.
 */
final class JournalValues implements RunResult.Values {

  private final UUID runId;
  private final JournalStore journal;
  private final Workflow workflow;
  private final ValueCodec codec;
  /** The workflow's cells by ID, built when a cell is first looked up. */
  private Map<UUID, Cell<?>> cells;
  /** Outputs the journal does not hold (steps answered from the cache), by step: JSON arrays. */
  private final Map<UUID, String> uncommitted;
  /** Set when the run is deleted from the journal: its values are gone. */
  private final java.util.concurrent.atomic.AtomicBoolean deleted;
  private Map<UUID, ArrayNode> committed;
  private JsonNode inputs;

  JournalValues(UUID runId, JournalStore journal, Workflow workflow, ValueCodec codec) {
    this(runId, journal, workflow, codec, Map.of(),
        new java.util.concurrent.atomic.AtomicBoolean());
  }

  /**
   * As above, with the outputs of steps that succeeded without committing to the journal (cache
   * hits), as JSON arrays by step ID, which this process kept.
   */
  JournalValues(UUID runId, JournalStore journal, Workflow workflow, ValueCodec codec,
      Map<UUID, String> uncommitted, java.util.concurrent.atomic.AtomicBoolean deleted) {
    this.deleted = deleted;
    this.runId = runId;
    this.journal = journal;
    this.workflow = workflow;
    this.codec = codec;
    this.uncommitted = uncommitted;
  }

  /** The outputs of {@code step} as the journal or this process kept them, or null. */
  private JsonNode outputsOf(UUID step) {
    ArrayNode outputs = committed().get(step);
    if (outputs != null) {
      return outputs;
    }
    String kept = uncommitted.get(step);
    return kept == null ? null : codec.parse(kept);
  }

  private synchronized Map<UUID, Cell<?>> cells() {
    if (cells == null) {
      cells = new HashMap<>();
      for (Cell<?> input : workflow.inputs()) {
        cells.put(input.id(), input);
      }
      for (WorkflowStep step : workflow.steps()) {
        for (Cell<?> cell : step.inputCells()) {
          cells.put(cell.id(), cell);
        }
        for (Cell<?> cell : step.outputCells()) {
          cells.put(cell.id(), cell);
        }
      }
    }
    return cells;
  }

  private Cell<?> known(Cell<?> cell) {
    if (deleted.get()) {
      throw new IllegalStateException("run " + runId + " was deleted; its values are gone");
    }
    Cell<?> known = cells().get(cell.id());
    if (known == null) {
      throw new IllegalArgumentException("cell '" + cell.alias() + "' (" + cell.id()
          + ") is not part of workflow '" + workflow.name() + "' of run " + runId);
    }
    return known;
  }

  private synchronized Map<UUID, ArrayNode> committed() {
    if (committed == null) {
      committed = journal.committedOutputs(runId);
    }
    return committed;
  }

  private synchronized JsonNode inputs() {
    if (inputs == null) {
      inputs = journal.runInputs(runId);
    }
    return inputs;
  }

  @Override
  public Object get(Cell<?> cell) {
    Cell<?> known = known(cell);
    JsonNode json = switch (known.role()) {
      case INPUT -> inputs().get(known.alias());
      case CONSTANT -> known.constantValue();
      default -> {
        JsonNode outputs = outputsOf(known.producer().id());
        if (outputs == null) {
          throw new IllegalStateException("cell '" + cell.alias() + "' has no value: step '"
              + known.producer().slug() + "' committed no result in run " + runId);
        }
        yield outputs.get(known.outputIndex());
      }
    };
    return json == null ? null : codec.fromTree(json, known.type());
  }

  @Override
  public URI location(Cell<?> cell) {
    Cell<?> known = known(cell);
    return URI.create("journal:" + journal.file().toUri().getPath() + "#" + runId + "/"
        + known.id());
  }

  @Override
  public boolean isAvailable(Cell<?> cell) {
    Cell<?> known = known(cell);
    return known.producer() == null || committed().containsKey(known.producer().id())
        || uncommitted.containsKey(known.producer().id());
  }

  @Override
  public void discard() {
    synchronized (this) {
      committed = Map.of();
    }
  }
}
