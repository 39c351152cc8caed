package dev.fancy.run;

import dev.fancy.FancyException;

/**
 * Thrown by {@link RunResult#requireSucceeded()} when a run failed. The cause is the error of the
 * first failed step (in workflow order); {@link #result()} holds the whole history.
 */
public final class RunFailedException extends FancyException {
  private static final long serialVersionUID = 1L;

  private final transient RunResult result;

  /** Creates the exception; engines throw it. */
  public RunFailedException(String message, RunResult result, Throwable cause) {
    super(message, cause);
    this.result = result;
  }

  /** The failed run's result, with every step's record. */
  public RunResult result() {
    return result;
  }
}
