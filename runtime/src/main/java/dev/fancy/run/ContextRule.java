package dev.fancy.run;

import java.util.List;

/**
 * How the children of a group share the run context. Every group that runs children at the same
 * time — the branches of {@code Flow.parallel}, the elements of {@code Flow.map}, the branches of
 * {@code Flow.route} — gives each child its own {@link #copy} of the context taken when the group
 * starts, and when the group ends {@link #merge} folds the children's changes back into the live
 * context, in place. Children that run one at a time (a loop's iterations, a conditional's branch,
 * a sub-workflow) share the live context. Without a rule every child shares the one context
 * object. (The idea of a reducer over branch states comes from LangGraph; applying it in place is
 * what keeps writes made outside the group while it ran.)
 *
 * <p>The live context is never replaced, so a step outside the group that writes to it while
 * the group runs keeps its write. {@code merge} may run while such steps write to the context:
 * make it as thread-safe as those steps' writes. Merges into one context are never concurrent.
 *
 * @param <C> the context type
 */
public interface ContextRule<C> {

  /**
   * A copy of {@code context} for one child, or the snapshot {@code before} a group; it must not
   * share mutable state with {@code context}.
   */
  C copy(C context);

  /**
   * Folds the children's changes into the live context, typically by adding each child's
   * difference from {@code before} to {@code context}.
   *
   * @param context the live run context (or the enclosing child's copy, for a nested group):
   *     change it in place
   * @param before a copy of the context taken when the group started, unchanged since
   * @param children the children's copies, in order (branch order, element order)
   */
  void merge(C context, C before, List<C> children);
}
