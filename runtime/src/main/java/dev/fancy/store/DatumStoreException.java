package dev.fancy.store;

import dev.fancy.FancyException;

/** A value could not be stored, found or read; the message names the cell and run. */
public final class DatumStoreException extends FancyException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public DatumStoreException(String message) {
    super(message);
  }

  /** Creates the exception with its cause. */
  public DatumStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
