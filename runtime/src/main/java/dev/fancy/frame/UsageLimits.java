package dev.fancy.frame;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Upper bounds on a run's total usage. A run whose total exceeds a bound after any step result
 * stops (the idea of an agent framework's usage governor, e.g. pydantic-ai's {@code UsageLimits}).
 * A null bound is unlimited; reaching a bound exactly is allowed, exceeding it is a breach.
 *
 * @param currency the currency unit costs are reported in, e.g. {@code USD}
 * @param maxCost the most the run may cost, or null
 * @param maxInputTokens the most input tokens, or null
 * @param maxOutputTokens the most output tokens, or null
 * @param maxCounters the most per named counter
 */
public record UsageLimits(String currency, BigDecimal maxCost, Long maxInputTokens,
    Long maxOutputTokens, Map<String, Long> maxCounters) {

  /** No limits, costs in US dollars. */
  public static final UsageLimits NONE = new UsageLimits("USD", null, null, null, Map.of());

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if a bound is negative or the currency is blank
   */
  public UsageLimits {
    Objects.requireNonNull(currency, "currency == null");
    if (currency.isBlank()) {
      throw new IllegalArgumentException("the currency of usage limits is blank");
    }
    if ((maxCost != null && maxCost.signum() < 0)
        || (maxInputTokens != null && maxInputTokens < 0)
        || (maxOutputTokens != null && maxOutputTokens < 0)
        || maxCounters.values().stream().anyMatch(v -> v < 0)) {
      throw new IllegalArgumentException("usage limits cannot be negative");
    }
    maxCounters = Collections.unmodifiableMap(new TreeMap<>(maxCounters));
  }

  /** Limits with only a maximum cost, in {@code currency}. */
  public static UsageLimits maxCost(BigDecimal maxCost, String currency) {
    return new UsageLimits(currency, maxCost, null, null, Map.of());
  }

  /** These limits with a maximum cost. */
  public UsageLimits withMaxCost(BigDecimal max) {
    return new UsageLimits(currency, max, maxInputTokens, maxOutputTokens, maxCounters);
  }

  /** These limits with maximum input and output tokens (null for unlimited). */
  public UsageLimits withMaxTokens(Long maxInput, Long maxOutput) {
    return new UsageLimits(currency, maxCost, maxInput, maxOutput, maxCounters);
  }

  /** These limits with a maximum for counter {@code name}. */
  public UsageLimits withMaxCounter(String name, long max) {
    TreeMap<String, Long> counters = new TreeMap<>(maxCounters);
    counters.put(name, max);
    return new UsageLimits(currency, maxCost, maxInputTokens, maxOutputTokens, counters);
  }

  /**
   * The first bound {@code total} exceeds, described for a message, or null if none.
   *
   * @return e.g. {@code "cost 10.50 USD exceeds the limit 10.00 USD"}
   */
  public String breach(Usage total) {
    if (maxCost != null && total.cost().compareTo(maxCost) > 0) {
      return "cost " + total.cost().toPlainString() + " " + currency + " exceeds the limit "
          + maxCost.toPlainString() + " " + currency;
    }
    if (maxInputTokens != null && total.inputTokens() > maxInputTokens) {
      return "input tokens " + total.inputTokens() + " exceed the limit " + maxInputTokens;
    }
    if (maxOutputTokens != null && total.outputTokens() > maxOutputTokens) {
      return "output tokens " + total.outputTokens() + " exceed the limit " + maxOutputTokens;
    }
    for (Map.Entry<String, Long> max : maxCounters.entrySet()) {
      if (total.counter(max.getKey()) > max.getValue()) {
        return "counter '" + max.getKey() + "' " + total.counter(max.getKey())
            + " exceeds the limit " + max.getValue();
      }
    }
    return null;
  }
}
