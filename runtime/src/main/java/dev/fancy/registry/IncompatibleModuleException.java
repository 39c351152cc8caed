package dev.fancy.registry;

/**
 * A generated step module was generated for another version of the generated-code API than this
 * runtime runs; the message names the module and says to rebuild it.
 */
public final class IncompatibleModuleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public IncompatibleModuleException(String message) {
    super(message);
  }
}
