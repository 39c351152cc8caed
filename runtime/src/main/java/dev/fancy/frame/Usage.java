package dev.fancy.frame;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An immutable amount of usage: cost, tokens and named counters. Costs are exact decimals in the
 * run's currency unit ({@link UsageLimits#currency()}, US dollars unless stated otherwise); Fancy
 * only adds and compares them.
 *
 * @param cost the cost, {@code >= 0}
 * @param inputTokens input (prompt) tokens, {@code >= 0}
 * @param outputTokens output (completion) tokens, {@code >= 0}
 * @param counters other counters by name (e.g. {@code api_calls}), each {@code >= 0}, sorted
 */
public record Usage(BigDecimal cost, long inputTokens, long outputTokens,
    Map<String, Long> counters) {

  /** No usage. */
  public static final Usage NONE = new Usage(BigDecimal.ZERO, 0, 0, Map.of());

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if an amount is negative
   */
  public Usage {
    Objects.requireNonNull(cost, "cost == null");
    if (cost.signum() < 0 || inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException("usage cannot be negative: cost " + cost + ", tokens "
          + inputTokens + "/" + outputTokens);
    }
    TreeMap<String, Long> sorted = new TreeMap<>(counters);
    for (Map.Entry<String, Long> counter : sorted.entrySet()) {
      if (counter.getValue() < 0) {
        throw new IllegalArgumentException(
            "counter '" + counter.getKey() + "' cannot be negative: " + counter.getValue());
      }
    }
    counters = Collections.unmodifiableMap(sorted);
  }

  /** The sum of this usage and {@code other}. */
  public Usage plus(Usage other) {
    if (other.equals(NONE)) {
      return this;
    }
    TreeMap<String, Long> sum = new TreeMap<>(counters);
    other.counters.forEach((name, value) -> sum.merge(name, value, Long::sum));
    return new Usage(cost.add(other.cost), inputTokens + other.inputTokens,
        outputTokens + other.outputTokens, sum);
  }

  /** The counter's value, 0 if never counted. */
  public long counter(String name) {
    return counters.getOrDefault(name, 0L);
  }
}
