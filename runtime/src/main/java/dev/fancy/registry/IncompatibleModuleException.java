package dev.fancy.registry;

import dev.fancy.FancyException;

/**
 * A generated step module was generated for another version of the generated-code API than this
 * runtime runs; the message names the module and says to rebuild it.
 */
public final class IncompatibleModuleException extends FancyException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public IncompatibleModuleException(String message) {
    super(message);
  }
}
