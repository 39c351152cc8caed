package dev.fancy.journal;

/**
 * Another process held the journal's write lock for longer than the journal's busy timeout
 * ({@link JournalOptions#busyTimeout()}), even after retries with backoff. Nothing was written.
 */
public final class JournalBusyException extends JournalException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public JournalBusyException(String message, Throwable cause) {
    super(message, cause);
  }
}
