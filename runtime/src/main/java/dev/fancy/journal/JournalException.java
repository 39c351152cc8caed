package dev.fancy.journal;

import dev.fancy.FancyException;

/**
 * The journal cannot be opened, read or written (wrong schema version, read-only or corrupt file,
 * a corrupt row, a full disk, a lost lease); the message says which and what to do. Subclasses
 * name the causes a caller may want to tell apart: {@link JournalFullException},
 * {@link JournalCorruptException}, {@link JournalBusyException} and {@link LeaseLostException}.
 * Whatever failed was rolled back: nothing is half-written.
 */
public class JournalException extends FancyException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
