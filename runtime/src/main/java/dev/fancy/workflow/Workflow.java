package dev.fancy.workflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A named graph of workflow steps with its input, constant and output cells. A workflow is data:
 * {@link #toJson()} holds everything needed to run it again (slugs, versions, wiring, constants);
 * the code is found through the step registry by slug and version.
 *
 * <p>Build one from the cells you want ({@link #of(String, WorkflowElement...)}): the graph is every step
 * those cells need, found by walking producers and ordering edges back from them. Steps are kept
 * in a deterministic topological order (depth-first, inputs in parameter order). Immutable;
 * compared by content, so a workflow equals itself after a JSON round trip.
 */
public final class Workflow {

  private final String name;
  private final List<Cell<?>> inputs;
  private final List<Cell<?>> constants;
  private final List<WorkflowStep> steps;
  private final List<Cell<?>> outputs;

  Workflow(String name, List<Cell<?>> inputs, List<Cell<?>> constants, List<WorkflowStep> steps,
      List<Cell<?>> outputs) {
    this.name = name;
    this.inputs = List.copyOf(inputs);
    this.constants = List.copyOf(constants);
    this.steps = List.copyOf(steps);
    this.outputs = List.copyOf(outputs);
    for (WorkflowStep step : this.steps) {
      step.freeze();
    }
  }

  /**
   * Builds the workflow that computes the cells among {@code roots} and runs the steps among them
   * even if nobody reads their outputs ({@code void} steps, steps with effects). Its outputs are
   * the cells among the roots and every output of the steps among them, in order. The graph is every step the roots need, found by walking producers and ordering
   * edges back from them.
   *
   * <pre>{@code
   * Workflow.of("etl", mean.out(), report.file(), notify)   // two outputs and a void step
   * }</pre>
   *
   * @param name a non-blank name
   * @param roots at least one cell or step
   * @throws WorkflowValidationException if the name is blank, no root is given, two different
   *     input cells share an alias, {@code after(...)} edges form a cycle, a root needs a cell
   *     made inside the body of a control-flow step (use that step's result instead), or two
   *     calls of one step have the same inputs and neither is {@linkplain WorkflowStep#named
   *     named} (they would have the same ID)
   * @throws NullPointerException if an argument is null
   */
  public static Workflow of(String name, WorkflowElement... roots) {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(roots, () -> "the roots of workflow '" + name + "' are null; pass "
        + "the cells (or steps) whose values the workflow produces");
    List<Cell<?>> outputs = new ArrayList<>();
    List<WorkflowStep> steps = new ArrayList<>();
    for (int i = 0; i < roots.length; i++) {
      WorkflowElement root = roots[i];
      int index = i;
      if (Objects.requireNonNull(root, () -> "root " + index + " of workflow '" + name + "' is "
          + "null; pass only the cells (or steps) whose values the workflow produces")
          instanceof Cell<?> cell) {
        outputs.add(cell);
      } else {
        WorkflowStep step = (WorkflowStep) root;
        steps.add(step);
        outputs.addAll(step.outputCells()); // a step given as a root is an output of the workflow
      }
    }
    return build(name, outputs, steps, List.of(), FlowScope.current());
  }

  /**
   * As {@link #of(String, WorkflowElement...)}, with the roots in a list (built by a loop).
   *
   * @throws WorkflowValidationException as for {@link #of(String, WorkflowElement...)}
   */
  public static Workflow of(String name, List<? extends WorkflowElement> roots) {
    Objects.requireNonNull(roots, () -> "the roots of workflow '" + name + "' are null; pass "
        + "the cells (or steps) whose values the workflow produces");
    return of(name, roots.toArray(new WorkflowElement[0]));
  }

  /**
   * Builds a workflow from output cells and root steps.
   *
   * @param extraInputs inputs the workflow has even if no step reads them (a body's parameters)
   * @param scope the control-flow body every step must belong to (null: top level); this check is
   *     left out for workflows read from JSON ({@link #read})
   */
  static Workflow build(String name, List<? extends Cell<?>> outputs,
      List<? extends WorkflowStep> roots, List<Cell<?>> extraInputs, FlowScope scope) {
    return build(name, outputs, roots, extraInputs, scope, true);
  }

  /** A workflow read from JSON: no scope check. */
  static Workflow read(String name, List<? extends Cell<?>> outputs,
      List<? extends WorkflowStep> roots) {
    return build(name, outputs, roots, List.of(), null, false);
  }

  private static Workflow build(String name, List<? extends Cell<?>> outputs,
      List<? extends WorkflowStep> terminalSteps, List<Cell<?>> extraInputs, FlowScope scope,
      boolean checkScope) {
    Objects.requireNonNull(name, "name == null");
    List<String> problems = new ArrayList<>();
    if (name.isBlank()) {
      problems.add("the workflow name is blank; give it a name such as 'etl'");
    }
    if (outputs.isEmpty() && terminalSteps.isEmpty()) {
      problems.add("workflow '" + name + "' has no outputs; pass the cells it should compute");
    }
    List<WorkflowStep> roots = new ArrayList<>();
    for (Cell<?> output : outputs) {
      Objects.requireNonNull(output, "output cell == null");
      if (output.producer() != null) {
        roots.add(output.producer());
      }
    }
    for (WorkflowStep step : terminalSteps) {
      roots.add(Objects.requireNonNull(step, "terminal step == null"));
    }
    List<WorkflowStep> steps = topologicalOrder(roots, problems);
    if (checkScope) {
      for (WorkflowStep step : steps) {
        if (step.scope() != scope) {
          problems.add("step '" + step.slug() + "' (" + step.id() + ") was made inside the body "
              + "of " + step.scope() + "; a cell made there exists only in that body: use the "
              + "result the control-flow step returns instead");
          break;
        }
      }
    }
    requireDistinctIds(steps, problems);
    Set<Cell<?>> inputs = new LinkedHashSet<>();
    Set<Cell<?>> constants = new LinkedHashSet<>();
    for (WorkflowStep step : steps) {
      for (Cell<?> cell : step.inputCells()) {
        collectSource(cell, inputs, constants);
      }
    }
    for (Cell<?> cell : outputs) {
      collectSource(cell, inputs, constants);
    }
    inputs.addAll(extraInputs);
    Map<String, Cell<?>> byAlias = new HashMap<>();
    for (Cell<?> input : inputs) {
      Cell<?> previous = byAlias.putIfAbsent(input.alias(), input);
      if (previous != null) {
        problems.add("two different input cells are named '" + input.alias() + "' (" + previous.id()
            + ", " + input.id() + "); runs bind inputs by name, so give each a unique name");
      }
    }
    if (!problems.isEmpty()) {
      throw new WorkflowValidationException("workflow '" + name + "'", problems);
    }
    return new Workflow(name, List.copyOf(inputs), List.copyOf(constants), steps,
        List.copyOf(outputs));
  }

  /**
   * Two calls of one step with the same inputs have the same ID (derived from the wiring), and a
   * run could not tell their outputs apart: unless one is named, they are refused.
   */
  private static void requireDistinctIds(List<WorkflowStep> steps, List<String> problems) {
    Map<java.util.UUID, WorkflowStep> byId = new HashMap<>(steps.size() * 2);
    for (WorkflowStep step : steps) {
      WorkflowStep previous = byId.putIfAbsent(step.id(), step);
      if (previous != null && previous != step) {
        String name = step.callName().map(n -> ", both named '" + n + "'").orElse("");
        problems.add("two calls of step '" + step.slug() + "' version " + step.version()
            + " have the same inputs " + inputIds(step) + name + ", so they get the same ID "
            + step.id() + " and a run could not tell their outputs apart. If both should run "
            + "(the step samples at random, has effects, or is ordered after different steps), "
            + "name one of them: call .named(\"another_" + step.name() + "\") right after its "
            + "factory (for a control-flow step: cell.producer().named(...) before using the "
            + "cell). If they compute the same thing, keep one call and use its outputs twice");
      }
    }
  }

  private static String inputIds(WorkflowStep step) {
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < step.inputNames().size(); i++) {
      Cell<?> cell = step.inputCells().get(i);
      inputs.add(step.inputNames().get(i) + "='" + cell.alias() + "'");
    }
    return "(" + String.join(", ", inputs) + ")";
  }

  private static void collectSource(Cell<?> cell, Set<Cell<?>> inputs, Set<Cell<?>> constants) {
    if (cell.role() == Cell.Role.INPUT) {
      inputs.add(cell);
    } else if (cell.role() == Cell.Role.CONSTANT) {
      constants.add(cell);
    }
  }

  /**
   * Depth-first post-order from the roots, iteratively (a million-step chain must not overflow the
   * stack). Dependencies are visited in input order, then ordering edges.
   */
  private static List<WorkflowStep> topologicalOrder(
      List<WorkflowStep> roots, List<String> problems) {
    List<WorkflowStep> order = new ArrayList<>();
    Map<WorkflowStep, Boolean> state = new IdentityHashMap<>(); // false: on stack, true: done
    Deque<Object[]> stack = new ArrayDeque<>();
    for (WorkflowStep root : roots) {
      if (state.containsKey(root)) {
        continue;
      }
      state.put(root, Boolean.FALSE);
      stack.push(new Object[] {root, dependencies(root), 0});
      while (!stack.isEmpty()) {
        Object[] frame = stack.peek();
        WorkflowStep step = (WorkflowStep) frame[0];
        @SuppressWarnings("unchecked")
        List<WorkflowStep> deps = (List<WorkflowStep>) frame[1];
        int next = (Integer) frame[2];
        if (next == deps.size()) {
          stack.pop();
          state.put(step, Boolean.TRUE);
          order.add(step);
          continue;
        }
        frame[2] = next + 1;
        WorkflowStep dep = deps.get(next);
        Boolean seen = state.get(dep);
        if (seen == null) {
          state.put(dep, Boolean.FALSE);
          stack.push(new Object[] {dep, dependencies(dep), 0});
        } else if (!seen) {
          problems.add("steps '" + step.slug() + "' (" + step.id() + ") and '" + dep.slug() + "' ("
              + dep.id() + ") depend on each other through after(...); remove one ordering edge");
          return order;
        }
      }
    }
    return order;
  }

  private static List<WorkflowStep> dependencies(WorkflowStep step) {
    List<WorkflowStep> deps = new ArrayList<>(step.inputNames().size() + step.upstream().size());
    for (Cell<?> cell : step.inputCells()) {
      if (cell.producer() != null) {
        deps.add(cell.producer());
      }
    }
    deps.addAll(step.upstream());
    return deps;
  }

  /**
   * Reads a workflow from JSON in the documented schema ({@code docs/workflow-json.md}).
   *
   * @throws WorkflowValidationException if the JSON is malformed, of an unsupported
   *     {@code schemaVersion}, has duplicate IDs, dangling cell or step references, or cycles
   */
  public static Workflow fromJson(String json) {
    return WorkflowJson.read(json);
  }

  /** Writes this workflow as JSON in the documented schema; {@link #fromJson} reads it back equal. */
  public String toJson() {
    return WorkflowJson.write(this);
  }

  /** The workflow's name. */
  public String name() {
    return name;
  }

  /** The input cells, each bound by alias when a run starts, in first-use order. */
  public List<Cell<?>> inputs() {
    return inputs;
  }

  /** The constant cells, in first-use order. */
  public List<Cell<?>> constants() {
    return constants;
  }

  /** The workflow steps in topological order: every step comes after all it depends on. */
  public List<WorkflowStep> steps() {
    return steps;
  }

  /** The cells this workflow computes, in the order given. */
  public List<Cell<?>> outputs() {
    return outputs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Workflow other && name.equals(other.name) && inputs.equals(other.inputs)
        && constants.equals(other.constants) && steps.equals(other.steps)
        && outputs.equals(other.outputs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, steps.size(), outputs);
  }

  @Override
  public String toString() {
    return "Workflow[" + name + ", " + steps.size() + " steps, inputs "
        + inputs.stream().map(Cell::alias).toList() + "]";
  }
}
