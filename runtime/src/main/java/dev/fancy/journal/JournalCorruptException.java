package dev.fancy.journal;

/**
 * The journal file is damaged ({@code SQLITE_CORRUPT}, {@code SQLITE_NOTADB}, or problems found by
 * {@code PRAGMA quick_check} when it was opened). The message names the file and how to recover:
 * restore a backup written by {@link Journal#backup}, or copy out what is still readable.
 */
public final class JournalCorruptException extends JournalException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public JournalCorruptException(String message, Throwable cause) {
    super(message, cause);
  }
}
