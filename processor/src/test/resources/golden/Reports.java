package dev.fancy.golden;

import dev.fancy.annotations.WorkflowDefinition;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;

/** Workflows a module provides by name, declared out of name order. */
public final class Reports {
  private Reports() {}

  /** The weekly report. */
  @WorkflowDefinition(name = "reports.weekly")
  public static Workflow weekly() {
    return Workflow.of("reports.weekly", Cell.input("week", Integer.class));
  }

  /** The daily report. */
  @WorkflowDefinition(name = "reports.daily")
  public static Workflow daily() {
    return Workflow.of("reports.daily", Cell.input("day", String.class));
  }
}
