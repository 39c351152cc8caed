package dev.fancy.internal.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.cache.CacheKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identical cached step calls in flight in one engine, so that one computes and the others wait
 * for its outputs (the single-flight of Go's {@code singleflight} and Caffeine's
 * {@code AsyncCache}). Per engine, not across processes: two processes may still compute the same
 * key once each.
 */
final class SingleFlight {

  private final ConcurrentHashMap<CacheKey, CompletableFuture<ArrayNode>> flights =
      new ConcurrentHashMap<>();

  /**
   * Joins the flight of {@code key}.
   *
   * @param mine the caller's own flight, which leads if no other flies
   * @return the flight that leads: {@code mine} if the caller computes, another if it should wait
   */
  CompletableFuture<ArrayNode> join(CacheKey key, CompletableFuture<ArrayNode> mine) {
    CompletableFuture<ArrayNode> other = flights.putIfAbsent(key, mine);
    return other == null ? mine : other;
  }

  /**
   * Ends a flight the caller led: the waiting callers get {@code outputs}, or compute themselves
   * if it is null (the leader failed).
   */
  void land(CacheKey key, CompletableFuture<ArrayNode> mine, ArrayNode outputs) {
    flights.remove(key, mine);
    mine.complete(outputs);
  }
}
