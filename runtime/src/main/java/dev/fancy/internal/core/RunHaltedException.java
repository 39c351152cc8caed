package dev.fancy.internal.core;

import java.util.concurrent.CancellationException;

/**
 * Unwinds a step of a run that stopped in this process because its journal failed; the journal's
 * exception is the cause. Never reaches users: the run's future completes with the cause.
 */
final class RunHaltedException extends CancellationException {
  private static final long serialVersionUID = 1L;

  RunHaltedException(RuntimeException cause) {
    super("the run stopped in this process: " + cause.getMessage());
    initCause(cause);
  }
}
