package dev.fancy.run;

import dev.fancy.FancyException;
import dev.fancy.frame.Usage;

/**
 * A run's usage exceeded its {@link dev.fancy.frame.UsageLimits}: the run stopped, running steps
 * were cancelled and pending ones skipped. {@link #result()} has the history, including the step
 * whose result breached the limit; every step whose code finished keeps its result and its
 * usage, so {@link #total()}, the run's usage, can exceed the usage at the breach by what
 * attempts already running spent (the message says how much).
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

  /** The run's total usage: what every attempt that ran reported, the breaching one included. */
  public Usage total() {
    return total;
  }
}
