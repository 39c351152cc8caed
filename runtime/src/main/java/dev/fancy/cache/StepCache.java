package dev.fancy.cache;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.workflow.StepOptions;
import java.util.Optional;

/**
 * Where cached step results live: a step's outputs as JSON (one array element per output, in
 * output order), keyed by {@link CacheKey}. Implementations are thread-safe. Caching is opt-in per
 * step ({@code @Cached} or {@code StepOptions.withCache(true)}); a hit skips the step's code.
 */
public interface StepCache {

  /**
   * The outputs stored under {@code key}, if any.
   *
   * @throws CacheException if the cache cannot be read
   */
  Optional<ArrayNode> get(CacheKey key);

  /**
   * Stores outputs under {@code key}, replacing what was there.
   *
   * @throws CacheException if the cache cannot be written
   */
  void put(CacheKey key, ArrayNode outputs);
}
