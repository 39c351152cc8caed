package dev.fancy.journal;

/**
 * The disk that holds the journal (or its value files) is full ({@code SQLITE_FULL},
 * {@code ENOSPC}). The write was rolled back; runs that were executing stay {@code RUNNING} in the
 * journal and are resumed (by this process or another) once space is freed.
 */
public final class JournalFullException extends JournalException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message starts with {@code journal disk is full}. */
  public JournalFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
