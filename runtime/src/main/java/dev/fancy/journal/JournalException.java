package dev.fancy.journal;

/**
 * The journal cannot be opened, read or written (wrong schema version, read-only or corrupt file,
 * a corrupt row); the message says which and what to do.
 */
public final class JournalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
