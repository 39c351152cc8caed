package dev.fancy.store;

import dev.fancy.workflow.Cell;
import java.net.URI;
import java.util.UUID;

/**
 * Where a run's cell values live. The engine writes each step output once and reads step inputs
 * back; values of one run are keyed by (run ID, cell ID). Implementations must be thread-safe:
 * parallel steps of one run write concurrently.
 *
 * <p>Fancy ships {@link FileDatumStore} (the default for {@code REFERENCE} cells); by default
 * {@code VALUE} and {@code COMPOSITE} cells stay in memory in the run itself, and a store is
 * configured for them only to put them elsewhere. The idea follows Dagster's IO managers: a step
 * never touches storage, the engine does.
 */
public interface DatumStore {

  /**
   * Stores the value of {@code cell} in run {@code runId}; a value may be null.
   *
   * @throws DatumStoreException if the value cannot be stored (nothing is left half-written)
   */
  void put(UUID runId, Cell<?> cell, Object value);

  /**
   * Reads the value of {@code cell} in run {@code runId}.
   *
   * @throws DatumStoreException if no value was stored or it cannot be read
   */
  Object get(UUID runId, Cell<?> cell);

  /** Whether a value of {@code cell} was stored in run {@code runId}. */
  boolean contains(UUID runId, Cell<?> cell);

  /** Where the value of {@code cell} in run {@code runId} is or would be stored. */
  URI location(UUID runId, Cell<?> cell);

  /**
   * Deletes every value of run {@code runId}; does nothing for an unknown run.
   *
   * @throws DatumStoreException if stored values cannot be deleted
   */
  void deleteRun(UUID runId);
}
