package dev.fancy.internal.core;

import dev.fancy.FancyException;

/**
 * A child run of a control-flow step failed (a sub-workflow, a branch, an iteration or map
 * elements); the message names which, and the cause is the first failed step's error.
 */
final class ChildRunFailedException extends FancyException {
  private static final long serialVersionUID = 1L;

  ChildRunFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
