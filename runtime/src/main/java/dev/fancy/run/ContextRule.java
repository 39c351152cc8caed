package dev.fancy.run;

import java.util.List;

/**
 * How parallel branches share the run context: each branch of a parallel group works on
 * {@link #copy} of it, and {@link #merge} combines the branches' copies back into the run's
 * context when the group ends (the reducer idea of LangGraph's state). Without a rule, branches
 * share the one context object.
 *
 * @param <C> the context type
 */
public interface ContextRule<C> {

  /** A copy of {@code context} for one branch. */
  C copy(C context);

  /**
   * The run's context after a parallel group.
   *
   * @param context the context before the group
   * @param branches the branches' copies, in branch order
   */
  C merge(C context, List<C> branches);
}
