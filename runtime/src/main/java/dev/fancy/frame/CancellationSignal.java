package dev.fancy.frame;

import java.util.concurrent.CancellationException;

/**
 * Tells a running step that its run was cancelled (for example because a usage limit was
 * exceeded). Long-running steps should poll it; the engine also interrupts the attempt's thread.
 */
public interface CancellationSignal {

  /** A signal that is never raised. */
  CancellationSignal NEVER = () -> false;

  /** Whether the run was cancelled. */
  boolean isCancelled();

  /**
   * Throws if the run was cancelled.
   *
   * @throws CancellationException if it was
   */
  default void throwIfCancelled() {
    if (isCancelled()) {
      throw new CancellationException("the run was cancelled");
    }
  }
}
