package dev.fancy.cache;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bounded in-memory cache that evicts the least recently used entry when full. Thread-safe;
 * entries are copied in and out, so callers cannot change what is cached.
 */
public final class InMemoryStepCache implements StepCache {

  private final int maxEntries;
  private final Map<CacheKey, ArrayNode> entries;

  /**
   * Creates a cache of at most {@code maxEntries} entries.
   *
   * @throws IllegalArgumentException if {@code maxEntries < 1}
   */
  public InMemoryStepCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("a cache needs room for at least one entry");
    }
    this.maxEntries = maxEntries;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<CacheKey, ArrayNode> eldest) {
        return size() > InMemoryStepCache.this.maxEntries;
      }
    };
  }

  @Override
  public synchronized Optional<ArrayNode> get(CacheKey key) {
    ArrayNode outputs = entries.get(key);
    return outputs == null ? Optional.empty() : Optional.of(outputs.deepCopy());
  }

  @Override
  public synchronized void put(CacheKey key, ArrayNode outputs) {
    entries.put(key, outputs.deepCopy());
  }

  /** How many entries are cached. */
  public synchronized int size() {
    return entries.size();
  }
}
