package dev.fancy.internal.core;

import dev.fancy.store.DatumStore;
import dev.fancy.store.DatumStoreException;
import dev.fancy.workflow.Cell;
import java.net.URI;
import java.util.Arrays;
import java.util.UUID;

/**
 * The values of one run's cells, addressed by the plan's slot numbers. {@code REFERENCE} cells
 * go to the engine's reference store. The other cells go to the engine's value store if one was
 * configured, and otherwise stay in an array indexed by slot: no hashing, no resizing and nothing
 * shared between runs, so the values live exactly as long as the run's result.
 *
 * <p>The array is written without locks: a step's outputs are stored before the atomic
 * countdown that makes its dependents ready, and the result is read after the run's completion
 * future, so every read happens after the write it reads.
 */
final class RunValues {

  /** Stands for a stored null, so that an empty slot means "no value". */
  private static final Object NULL = new Object();

  private final ExecutionPlan plan;
  private final UUID runId;
  /** The configured value store, or null to keep values in {@link #slots}. */
  private final DatumStore values;
  private final DatumStore references;
  private final Object[] slots;
  private volatile boolean discarded;

  RunValues(ExecutionPlan plan, UUID runId, DatumStore values, DatumStore references) {
    this.plan = plan;
    this.runId = runId;
    this.values = values;
    this.references = references;
    this.slots = values == null ? new Object[plan.cells.length] : null;
  }

  void put(int slot, Object value) {
    if (plan.isReference(slot)) {
      references.put(runId, plan.cells[slot], value);
    } else if (values != null) {
      values.put(runId, plan.cells[slot], value);
    } else {
      slots[slot] = value == null ? NULL : value;
    }
  }

  /**
   * The value of {@code slot}.
   *
   * @throws DatumStoreException if no value was stored or the values were discarded
   */
  Object get(int slot) {
    if (plan.isReference(slot)) {
      return references.get(runId, plan.cells[slot]);
    }
    if (values != null) {
      return values.get(runId, plan.cells[slot]);
    }
    Object value = slots[slot];
    if (value == null) {
      Cell<?> cell = plan.cells[slot];
      throw new DatumStoreException("no value of cell '" + cell.alias() + "' (" + cell.id()
          + ") in run " + runId + (discarded ? ": the run's values were discarded" : ""));
    }
    return value == NULL ? null : value;
  }

  /** Where the value of {@code slot} is stored; a {@code mem:} URI for values in the array. */
  URI location(int slot) {
    Cell<?> cell = plan.cells[slot];
    if (plan.isReference(slot)) {
      return references.location(runId, cell);
    }
    return values != null ? values.location(runId, cell)
        : URI.create("mem:/" + runId + "/" + cell.id());
  }

  /**
   * Drops every value of the run.
   *
   * @throws DatumStoreException if stored files cannot be deleted
   */
  void discard() {
    discarded = true;
    if (slots != null) {
      Arrays.fill(slots, null);
    } else {
      values.deleteRun(runId);
    }
    references.deleteRun(runId);
  }
}
