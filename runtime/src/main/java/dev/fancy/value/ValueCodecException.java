package dev.fancy.value;

import dev.fancy.FancyException;

/**
 * A value could not be converted to or from JSON, or a type name could not be resolved. The
 * message names the type and says how to fix it.
 */
public final class ValueCodecException extends FancyException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the type and the fix, and its cause. */
  public ValueCodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
