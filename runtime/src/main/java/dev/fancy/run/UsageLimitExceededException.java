package dev.fancy.run;

import dev.fancy.FancyException;
import dev.fancy.frame.Usage;

/**
 * A run's usage exceeded its {@link dev.fancy.frame.UsageLimits}: the run stopped, running steps
 * were cancelled and pending ones skipped. {@link #result()} has the history, including the step
 * whose result breached the limit, and {@link #total()} the exact total at the breach.
 */
public final class UsageLimitExceededException extends FancyException {
  private static final long serialVersionUID = 1L;

  private final transient RunResult result;
  private final Usage total;

  /** Creates the exception; engines throw it. */
  public UsageLimitExceededException(String message, RunResult result, Usage total) {
    super(message);
    this.result = result;
    this.total = total;
  }

  /** The stopped run's result. */
  public RunResult result() {
    return result;
  }

  /** The run's total usage when the limit was exceeded. */
  public Usage total() {
    return total;
  }
}
