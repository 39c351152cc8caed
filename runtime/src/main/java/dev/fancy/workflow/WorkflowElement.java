package dev.fancy.workflow;

/**
 * What {@link Workflow#of(String, WorkflowElement...)} takes as roots: a {@link Cell} the
 * workflow computes (an output), or a {@link WorkflowStep} it must run even if nobody reads its
 * outputs (a {@code void} step, a step with effects).
 */
public sealed interface WorkflowElement permits Cell, WorkflowStep {}
