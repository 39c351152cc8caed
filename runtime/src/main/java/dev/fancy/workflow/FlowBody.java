package dev.fancy.workflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Turns the lambda of a control-flow body into a child workflow. The steps the lambda created
 * (its {@link FlowScope}) are the child's steps, all of them (a step nobody reads still runs).
 * Cells from outside that they use (cells of the enclosing workflow, or of an enclosing body) are
 * captured: each becomes an input of the child, with an alias made from the outer cell's, and
 * the control-flow step binds that input to the outer cell. The cells the body receives from the
 * flow (a map's item, a loop's state, a sub-workflow's argument) are its parameters.
 */
final class FlowBody {
  private FlowBody() {}

  /**
   * The aliases of the outer cells captured by the children of one control-flow step, shared by
   * all its children so that one outer cell is one input of the step.
   */
  static final class Captures {
    /** By cell content: two equal cells (one input made twice) are one capture. */
    private final Map<Cell<?>, String> aliases = new java.util.HashMap<>();
    private final Map<String, Cell<?>> outer = new TreeMap<>();
    private final Set<String> taken = new HashSet<>();

    /** Reserves the alias of a parameter, so no capture takes it. */
    Captures reserve(String alias) {
      taken.add(alias);
      return this;
    }

    /** The input alias of outer cell {@code cell}, assigned on first use. */
    String aliasOf(Cell<?> cell) {
      return aliases.computeIfAbsent(cell, c -> {
        String base = identifier(c.alias());
        String alias = base;
        for (int i = 2; !taken.add(alias); i++) {
          alias = base + "_" + i;
        }
        outer.put(alias, c);
        return alias;
      });
    }

    /** Input alias to the outer cell it is bound to, sorted by alias. */
    Map<String, Cell<?>> bindings() {
      return Collections.unmodifiableMap(outer);
    }

    private static String identifier(String alias) {
      StringBuilder name = new StringBuilder();
      for (char c : alias.toCharArray()) {
        name.append(Character.isJavaIdentifierPart(c) ? c : '_');
      }
      if (name.length() == 0 || !Character.isJavaIdentifierStart(name.charAt(0))) {
        name.insert(0, '_');
      }
      return name.toString();
    }
  }

  /**
   * Runs {@code lambda} in a new scope (inside the current one) and returns the scope with what the
   * lambda returned.
   */
  static <R> Scoped<R> run(String description, Supplier<R> lambda) {
    FlowScope scope = FlowScope.open(description);
    R result = scope.enter(lambda);
    if (result == null) {
      throw new NullPointerException("the body of " + description + " returned null; return "
          + "the cell the body computes");
    }
    return new Scoped<>(scope, result);
  }

  /** A lambda's result and the scope it ran in. */
  record Scoped<R>(FlowScope scope, R result) {}

  /**
   * The child workflow of a body.
   *
   * @param name the child workflow's name
   * @param scope the scope the body's lambda ran in
   * @param outputs the cells the body returned, in order
   * @param parameters the cells the body received, in order; inputs of the child even if unused
   * @throws WorkflowValidationException if a step of the body is ordered after a step outside it,
   *     or the body made an input cell of its own
   */
  static Workflow build(String name, FlowScope scope, List<Cell<?>> outputs,
      List<Cell<?>> parameters, Captures captures) {
    for (Cell<?> parameter : parameters) {
      scope.parameter(parameter);
    }
    Set<WorkflowStep> own = Collections.newSetFromMap(new IdentityHashMap<>());
    own.addAll(scope.steps());
    Map<String, Cell<?>> inputs = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (WorkflowStep step : scope.steps()) {
      List<Cell<?>> cells = step.inputCells();
      for (int i = 0; i < cells.size(); i++) {
        Cell<?> cell = cells.get(i);
        if (!isOwn(cell, own, scope)) {
          step.rebind(i, captured(cell, captures, inputs));
        } else if (cell.role() == Cell.Role.INPUT && !scope.isParameter(cell)) {
          problems.add("step '" + step.slug() + "' in the body of " + scope + " uses the input "
              + "cell '" + cell.alias() + "' made inside the body; make inputs outside the "
              + "body and use them in it: they are captured as inputs of the body");
        }
      }
      for (WorkflowStep before : step.upstream()) {
        if (!own.contains(before)) {
          problems.add("step '" + step.slug() + "' in the body of " + scope + " is ordered "
              + "after step '" + before.slug() + "' outside it; order the control-flow step "
              + "after it instead");
        }
      }
    }
    List<Cell<?>> childOutputs = new ArrayList<>();
    for (Cell<?> output : outputs) {
      childOutputs.add(isOwn(output, own, scope) ? output : captured(output, captures, inputs));
    }
    if (!problems.isEmpty()) {
      throw new WorkflowValidationException("the body of " + scope, problems);
    }
    List<Cell<?>> extra = new ArrayList<>(parameters);
    extra.addAll(inputs.values());
    return Workflow.build(name, childOutputs, scope.steps(), extra, scope);
  }

  /**
   * Whether {@code cell} belongs to the body: made by its steps, a parameter, a constant, or an
   * input made inside it.
   */
  private static boolean isOwn(Cell<?> cell, Set<WorkflowStep> own, FlowScope scope) {
    return cell.role() == Cell.Role.CONSTANT || scope.isParameter(cell)
        || (cell.producer() != null && own.contains(cell.producer()))
        // Inputs made inside the body are its own (and reported as a problem in build).
        || (cell.role() == Cell.Role.INPUT && scope.madeInput(cell));
  }

  /** The child input standing for outer cell {@code cell}. */
  private static Cell<?> captured(Cell<?> cell, Captures captures, Map<String, Cell<?>> inputs) {
    String alias = captures.aliasOf(cell);
    return inputs.computeIfAbsent(alias, a -> Cell.input(a, cell.type()));
  }
}
