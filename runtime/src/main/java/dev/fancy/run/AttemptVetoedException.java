package dev.fancy.run;

import dev.fancy.FancyException;

/** Thrown by an {@link AttemptInterceptor} to stop an attempt; the attempt is recorded vetoed. */
public class AttemptVetoedException extends FancyException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with the reason for the veto. */
  public AttemptVetoedException(String reason) {
    super(reason);
  }
}
