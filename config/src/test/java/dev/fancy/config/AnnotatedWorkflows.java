package dev.fancy.config;

import dev.fancy.annotations.WorkflowDefinition;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;

/** Workflows defined with {@code @WorkflowDefinition}, for {@link WorkflowRegistryTest}. */
public final class AnnotatedWorkflows {
  private AnnotatedWorkflows() {}

  /** Inputs lr, epochs, model; its name is its definition's. */
  @WorkflowDefinition(name = "test.annotated")
  public static Workflow annotated() {
    return Workflow.of("test.annotated", TestWorkflows.LR, TestWorkflows.EPOCHS,
        TestWorkflows.MODEL);
  }

  /** A workflow whose own name is not its definition's. */
  @WorkflowDefinition(name = "test.misnamed")
  public static Workflow misnamed() {
    return Workflow.of("something.else", Cell.input("x", Integer.class));
  }
}
