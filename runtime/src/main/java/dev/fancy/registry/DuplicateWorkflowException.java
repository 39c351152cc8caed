package dev.fancy.registry;

import dev.fancy.FancyException;

/** Two workflow modules provide a workflow of the same name; the message names both. */
public final class DuplicateWorkflowException extends FancyException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the workflow and both modules. */
  public DuplicateWorkflowException(String message) {
    super(message);
  }
}
