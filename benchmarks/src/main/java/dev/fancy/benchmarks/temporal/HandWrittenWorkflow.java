package dev.fancy.benchmarks.temporal;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The graphs of the Temporal peer benchmark written by hand against Temporal's SDK, as a team
 * without Fancy would: a chain of {@code inc} activities, or a fan-out of {@code inc} activities
 * from one root and a join.
 */
@WorkflowInterface
public interface HandWrittenWorkflow {

  /**
   * Runs the graph.
   *
   * @param shape {@code chain} or {@code fanout}
   * @param steps the chain's length, or the fan-out's width
   * @return the chain's end, or the sum of the fan-out's branches
   */
  @WorkflowMethod
  int run(String shape, int steps);
}
