package dev.fancy.registry;

import dev.fancy.FancyException;

/** Two definitions were registered for the same slug and version. */
public final class DuplicateStepException extends FancyException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the slug, version and both sources. */
  public DuplicateStepException(String message) {
    super(message);
  }
}
