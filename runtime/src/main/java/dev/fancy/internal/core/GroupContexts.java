package dev.fancy.internal.core;

import dev.fancy.run.ContextRule;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The run contexts of the children of one group that runs them at the same time (parallel
 * branches, map elements, routed branches). Under the run's {@link ContextRule} each child gets
 * its own copy of the context as it was when the group started, and a group that succeeds merges
 * the copies back into the live context in place; the live object is never replaced, so a write
 * made outside the group while it ran is kept. Without a rule (or without a context) every child
 * shares the live context. A failed group's copies are dropped: a retry starts again from the
 * live context, so its children's changes are never counted twice.
 */
final class GroupContexts {

  private final ContextRule<Object> rule;
  private final Object live;
  private final Object before;
  /** Children's copies by position, made when the child starts. */
  private final Map<Integer, Object> copies = new ConcurrentSkipListMap<>();

  @SuppressWarnings("unchecked")
  private GroupContexts(ContextRule<?> rule, Object live) {
    this.rule = live == null ? null : (ContextRule<Object>) rule;
    this.live = live;
    this.before = this.rule == null ? null : this.rule.copy(live);
  }

  /** The contexts of a group starting now in {@code run}. */
  static GroupContexts of(RunExecution run) {
    return new GroupContexts(run.options.contextRule(), run.context);
  }

  /** The context of the child at {@code position}: its own copy, or the shared live context. */
  Object child(int position) {
    return rule == null ? live : copies.computeIfAbsent(position, p -> rule.copy(before));
  }

  /**
   * Folds the children's copies, in position order, into the live context. Merges into one
   * context object are serialised on that object, so two groups that end at once never merge
   * into it at the same time.
   */
  void merge() {
    if (rule == null || copies.isEmpty()) {
      return;
    }
    synchronized (live) {
      rule.merge(live, before, new ArrayList<>(copies.values()));
    }
  }
}
