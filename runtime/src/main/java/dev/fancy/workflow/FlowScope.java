package dev.fancy.workflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The body of a control-flow step while its lambda runs: every workflow step created on this
 * thread meanwhile belongs to the body (so a step whose outputs nobody reads, a {@code void} step,
 * still runs), and the cells the body receives (a map's item, a loop's state) are its own inputs.
 * Scopes nest, like the lambdas of nested control flow.
 */
final class FlowScope {

  private static final ThreadLocal<FlowScope> CURRENT = new ThreadLocal<>();

  private final FlowScope parent;
  private final String description;
  private final List<WorkflowStep> steps = new ArrayList<>();
  private final Set<Cell<?>> parameters = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<Cell<?>> madeInputs = Collections.newSetFromMap(new IdentityHashMap<>());

  private FlowScope(FlowScope parent, String description) {
    this.parent = parent;
    this.description = description;
  }

  /** A new scope inside the current one (or at top level), described for messages. */
  static FlowScope open(String description) {
    return new FlowScope(CURRENT.get(), description);
  }

  /** The scope being built on this thread, or null outside any control-flow body. */
  static FlowScope current() {
    return CURRENT.get();
  }

  /** Adds {@code step} to the scope being built on this thread; returns that scope, or null. */
  static FlowScope register(WorkflowStep step) {
    FlowScope scope = CURRENT.get();
    if (scope != null) {
      scope.steps.add(step);
    }
    step.scope(scope);
    return scope;
  }

  /** Notes that input cell {@code cell} was made while the current scope's lambda ran. */
  static void noteInput(Cell<?> cell) {
    FlowScope scope = CURRENT.get();
    if (scope != null) {
      scope.madeInputs.add(cell);
    }
  }

  boolean madeInput(Cell<?> cell) {
    return madeInputs.contains(cell);
  }

  /** Runs {@code body} with this scope current, then restores the enclosing one. */
  <R> R enter(Supplier<R> body) {
    FlowScope previous = CURRENT.get();
    CURRENT.set(this);
    try {
      return body.get();
    } finally {
      CURRENT.set(previous);
    }
  }

  /** Declares {@code cell} an input the body receives (not a capture). */
  <T> Cell<T> parameter(Cell<T> cell) {
    parameters.add(cell);
    return cell;
  }

  boolean isParameter(Cell<?> cell) {
    return parameters.contains(cell);
  }

  /** The steps created in this scope, in creation order. */
  List<WorkflowStep> steps() {
    return steps;
  }

  FlowScope parent() {
    return parent;
  }

  @Override
  public String toString() {
    return description;
  }
}
