package dev.fancy.run;

import dev.fancy.FancyException;
import java.time.Duration;

/** An attempt ran longer than its step's timeout and was interrupted. */
public final class AttemptTimeoutException extends FancyException {
  private static final long serialVersionUID = 1L;

  public AttemptTimeoutException(String slug, int attempt, Duration timeout) {
    super("attempt " + attempt + " of step '" + slug + "' timed out after " + timeout);
  }
}
