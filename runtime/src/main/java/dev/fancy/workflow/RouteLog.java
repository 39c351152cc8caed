package dev.fancy.workflow;

import java.util.List;

/**
 * A run context that wants to know which branches routers took: the engine calls
 * {@link #routed} after each router step decides, before its branches run.
 */
public interface RouteLog {

  /**
   * Records a routing decision.
   *
   * @param stepId the router step's ID
   * @param branches the names of the branches that will run, in branch order
   */
  void routed(java.util.UUID stepId, List<String> branches);
}
