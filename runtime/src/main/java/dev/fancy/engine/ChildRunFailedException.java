package dev.fancy.engine;

/**
 * A child run of a control-flow step failed (a sub-workflow, a branch, an iteration or map
 * elements); the message names which, and the cause is the first failed step's error.
 */
public final class ChildRunFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  ChildRunFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
