package dev.fancy.internal.core;

import dev.fancy.FancyException;

/**
 * A journal refused to commit a successful attempt for a reason of the attempt's own (a staged
 * effect was rejected by the database): the attempt counts as failed and the step's retry policy
 * applies. Any other exception from a journal stops the run in this process instead.
 */
public class AttemptRejectedException extends FancyException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public AttemptRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
