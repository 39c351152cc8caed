package dev.fancy.store;

import dev.fancy.workflow.Cell;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps values as Java objects in memory (no copy, no serialization). Values live until
 * {@link #deleteRun} or until the store is garbage collected. Locations are {@code mem:} URIs.
 */
public final class InMemoryDatumStore implements DatumStore {

  private static final Object NULL = new Object();

  private final Map<UUID, Map<UUID, Object>> runs = new ConcurrentHashMap<>();

  @Override
  public void put(UUID runId, Cell<?> cell, Object value) {
    runs.computeIfAbsent(runId, id -> new ConcurrentHashMap<>())
        .put(cell.id(), value == null ? NULL : value);
  }

  @Override
  public Object get(UUID runId, Cell<?> cell) {
    Map<UUID, Object> values = runs.get(runId);
    Object value = values == null ? null : values.get(cell.id());
    if (value == null) {
      throw new DatumStoreException(
          "no value of cell '" + cell.alias() + "' (" + cell.id() + ") in run " + runId);
    }
    return value == NULL ? null : value;
  }

  @Override
  public boolean contains(UUID runId, Cell<?> cell) {
    Map<UUID, Object> values = runs.get(runId);
    return values != null && values.containsKey(cell.id());
  }

  @Override
  public URI location(UUID runId, Cell<?> cell) {
    return URI.create("mem:/" + runId + "/" + cell.id());
  }

  @Override
  public void deleteRun(UUID runId) {
    runs.remove(runId);
  }
}
