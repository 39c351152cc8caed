package dev.fancy.internal.core;

import dev.fancy.FancyException;

/** A registered output validator rejected an attempt's outputs. */
final class OutputValidationException extends FancyException {
  private static final long serialVersionUID = 1L;

  OutputValidationException(String message) {
    super(message);
  }
}
