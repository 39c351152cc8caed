package dev.fancy.internal.journal;

import dev.fancy.internal.core.AttemptRejectedException;
import dev.fancy.journal.JournalEffects;

/**
 * A statement an attempt staged through {@link JournalEffects} was rejected by the database (bad
 * SQL, a constraint). The attempt's commit was rolled back as a whole and the attempt counts as
 * failed: its step may be retried.
 */
final class EffectFailedException extends AttemptRejectedException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  EffectFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
