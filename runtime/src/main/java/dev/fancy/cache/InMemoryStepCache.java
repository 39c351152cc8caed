package dev.fancy.cache;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Optional;

/**
 * A bounded in-memory cache (Caffeine). When full it evicts by Caffeine's W-TinyLFU policy, which
 * keeps entries that are used often over entries used once, rather than strictly the least
 * recently used. Thread-safe; entries are copied in and out, so callers cannot change what is
 * cached.
 */
public final class InMemoryStepCache implements StepCache {

  private final Cache<CacheKey, ArrayNode> entries;

  /**
   * Creates a cache of at most {@code maxEntries} entries.
   *
   * @throws IllegalArgumentException if {@code maxEntries < 1}
   */
  public InMemoryStepCache(long maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("a cache needs room for at least one entry");
    }
    // Evict on the calling thread, so the bound holds when put returns.
    this.entries = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
  }

  @Override
  public Optional<ArrayNode> get(CacheKey key) {
    ArrayNode outputs = entries.getIfPresent(key);
    return outputs == null ? Optional.empty() : Optional.of(outputs.deepCopy());
  }

  @Override
  public void put(CacheKey key, ArrayNode outputs) {
    entries.put(key, outputs.deepCopy());
  }

  /** How many entries are cached. */
  public long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }
}
