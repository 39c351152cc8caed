package dev.fancy.run;

import dev.fancy.FancyException;
import java.time.Duration;

/**
 * An attempt ran longer than its step's timeout, or went longer than its heartbeat timeout
 * without a heartbeat, and was interrupted.
 */
public final class AttemptTimeoutException extends FancyException {
  private static final long serialVersionUID = 1L;

  /** Attempt {@code attempt} of step {@code slug} ran longer than {@code timeout}. */
  public AttemptTimeoutException(String slug, int attempt, Duration timeout) {
    super("attempt " + attempt + " of step '" + slug + "' timed out after " + timeout);
  }

  private AttemptTimeoutException(String message) {
    super(message);
  }

  /**
   * Attempt {@code attempt} of step {@code slug} went longer than {@code heartbeatTimeout}
   * without calling {@code frame.heartbeat()}: it is taken as hung.
   */
  public static AttemptTimeoutException noHeartbeat(String slug, int attempt,
      Duration heartbeatTimeout) {
    return new AttemptTimeoutException("attempt " + attempt + " of step '" + slug + "' sent no "
        + "heartbeat for " + heartbeatTimeout + ", its heartbeat timeout: taken as hung");
  }
}
