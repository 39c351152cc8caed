package dev.fancy.engine;

/** A registered output validator rejected an attempt's outputs. */
public final class OutputValidationException extends Exception {
  private static final long serialVersionUID = 1L;

  OutputValidationException(String message) {
    super(message);
  }
}
