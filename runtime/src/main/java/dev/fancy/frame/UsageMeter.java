package dev.fancy.frame;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a step attempt reports its usage; the engine adds each attempt's usage to the run's total
 * and checks the run's {@link UsageLimits} right after the step's result. Thread-safe, so a step
 * may report from threads of its own.
 */
public final class UsageMeter {

  private BigDecimal cost = BigDecimal.ZERO;
  private long inputTokens;
  private long outputTokens;
  private Map<String, Long> counters;
  private boolean reported;

  /** A meter with nothing reported; the engine makes one per attempt. */
  public UsageMeter() {}

  /**
   * Adds a cost in the run's currency unit.
   *
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public synchronized UsageMeter cost(BigDecimal amount) {
    Objects.requireNonNull(amount, "amount == null");
    if (amount.signum() < 0) {
      throw new IllegalArgumentException("a cost cannot be negative: " + amount);
    }
    cost = cost.add(amount);
    reported = true;
    return this;
  }

  /**
   * Adds input and output tokens.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public synchronized UsageMeter tokens(long input, long output) {
    if (input < 0 || output < 0) {
      throw new IllegalArgumentException("token counts cannot be negative: " + input + "/" + output);
    }
    inputTokens += input;
    outputTokens += output;
    reported = true;
    return this;
  }

  /**
   * Adds {@code delta} to the counter {@code name}.
   *
   * @throws IllegalArgumentException if {@code delta} is negative or the name is blank
   */
  public synchronized UsageMeter count(String name, long delta) {
    Objects.requireNonNull(name, "name == null");
    if (name.isBlank() || delta < 0) {
      throw new IllegalArgumentException("counter '" + name + "' cannot take " + delta);
    }
    if (counters == null) {
      counters = new TreeMap<>();
    }
    counters.merge(name, delta, Long::sum);
    reported = true;
    return this;
  }

  /** What was reported so far. */
  public synchronized Usage snapshot() {
    return reported ? new Usage(cost, inputTokens, outputTokens,
        counters == null ? Map.of() : counters) : Usage.NONE;
  }
}
