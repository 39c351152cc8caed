package dev.fancy.workflow;

import dev.fancy.value.ValueType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds control-flow steps ({@link FlowStep}): sub-workflows, map (dynamic fan-out),
 * conditionals, bounded loops, routers and parallel groups. Child workflows are ordinary
 * workflows whose inputs are bound by alias: {@code inputs} maps each child input alias to a cell
 * of the parent workflow. Every factory checks the shapes at once and throws a
 * {@link WorkflowValidationException} naming what does not fit.
 *
 * <pre>{@code
 * Workflow perYear = Workflow.of("per-year", WeatherSteps.summary(Cell.input("year", ...)).out());
 * FlowStep years = Flow.map(yearsCell, perYear, "year", Map.of(), 4);
 * Cell<List<Summary>> summaries = years.results(perYear.outputs().get(0));
 * }</pre>
 */
public final class Flow {

  private static final ValueType<?> RESULTS_MAP =
      ValueType.of(Map.class, "java.util.Map<java.lang.String,java.lang.Object>");

  private Flow() {}

  /** Runs {@code child} as one step; its outputs are this step's outputs {@code out0..}. */
  public static FlowStep subWorkflow(Workflow child, Map<String, ? extends Cell<?>> inputs) {
    return build(FlowStep.Kind.SUBWORKFLOW, Map.of(FlowStep.BODY, child),
        new FlowStep.Settings(0, 0, null, null, null), null, null, inputs);
  }

  /**
   * Runs {@code body} once per element of {@code items}, at most {@code maxConcurrency} at a time;
   * the results keep the items' order. {@code body} must have exactly one output and an input
   * aliased {@code itemInput}; its other inputs are bound from {@code shared}.
   */
  public static FlowStep map(Cell<? extends List<?>> items, Workflow body, String itemInput,
      Map<String, ? extends Cell<?>> shared, int maxConcurrency) {
    return build(FlowStep.Kind.MAP, Map.of(FlowStep.BODY, body),
        new FlowStep.Settings(maxConcurrency, 0, itemInput, null, null), FlowStep.ITEMS, items,
        shared);
  }

  /**
   * Runs the branch chosen by {@code condition}: a boolean chooses branch {@code "true"} or
   * {@code "false"}, an enum the branch named like its constant. Branches must have outputs of
   * the same types; the branches not taken are reported skipped.
   */
  public static FlowStep conditional(Cell<?> condition, Map<String, Workflow> branches,
      Map<String, ? extends Cell<?>> inputs) {
    return build(FlowStep.Kind.CONDITIONAL, branches,
        new FlowStep.Settings(0, 0, null, null, null), FlowStep.CONDITION, condition, inputs);
  }

  /**
   * Runs {@code body} repeatedly: after each iteration, while its boolean output {@code goOn} is
   * true, the next iteration runs with each input named in {@code carry} set to the value of the
   * body output it maps to (loop-carried cells); the other inputs keep their values. Needing more
   * than {@code maxIterations} iterations fails the step. Every iteration appears in the history;
   * the step's outputs are the last iteration's outputs except {@code goOn}.
   *
   * @param carry body input alias to the body output that feeds it in the next iteration
   * @param inputs the first iteration's inputs, by body input alias
   */
  public static FlowStep loop(Workflow body, Cell<Boolean> goOn, Map<String, ? extends Cell<?>> carry,
      int maxIterations, Map<String, ? extends Cell<?>> inputs) {
    Objects.requireNonNull(body, "body == null");
    Map<String, Integer> carried = new TreeMap<>();
    for (Map.Entry<String, ? extends Cell<?>> entry : carry.entrySet()) {
      carried.put(entry.getKey(), outputIndex(body, entry.getValue()));
    }
    return build(FlowStep.Kind.LOOP, Map.of(FlowStep.BODY, body),
        new FlowStep.Settings(0, maxIterations, null, outputIndex(body, goOn), carried), null,
        null, inputs);
  }

  private static int outputIndex(Workflow body, Cell<?> output) {
    int index = body.outputs().indexOf(output);
    if (index < 0) {
      throw new IllegalArgumentException("cell '" + output.alias() + "' is not an output of the "
          + "loop body '" + body.name() + "'; pass one of its outputs");
    }
    return index;
  }

  /**
   * Runs the branches whose names the collection in {@code routes} holds, decided at run time
   * (by the step that produced {@code routes}). Each branch has exactly one output; the result
   * maps the names of the branches that ran to their outputs. The executed branches are recorded
   * in the history, and in the run context if it implements {@link RouteLog}.
   */
  public static FlowStep router(Cell<? extends Collection<String>> routes,
      Map<String, Workflow> branches, Map<String, ? extends Cell<?>> inputs) {
    return build(FlowStep.Kind.ROUTER, branches, new FlowStep.Settings(0, 0, null, null, null),
        FlowStep.ROUTES, routes, inputs);
  }

  /**
   * Runs every branch at the same time, at most {@code maxConcurrency} at once, each on its own
   * copy of the run context, merged back by the run's context rule afterwards. Outputs are
   * {@code <branch>_out<i>}; the group's usage is the sum of its branches'.
   */
  public static FlowStep parallel(Map<String, Workflow> branches,
      Map<String, ? extends Cell<?>> inputs, int maxConcurrency) {
    return build(FlowStep.Kind.PARALLEL, branches,
        new FlowStep.Settings(maxConcurrency, 0, null, null, null), null, null, inputs);
  }

  private static FlowStep build(FlowStep.Kind kind, Map<String, Workflow> children,
      FlowStep.Settings settings, String controlName, Cell<?> control,
      Map<String, ? extends Cell<?>> inputs) {
    Objects.requireNonNull(children, "children == null");
    Objects.requireNonNull(inputs, "inputs == null");
    List<String> names = new ArrayList<>();
    List<Cell<?>> cells = new ArrayList<>();
    if (controlName != null) {
      names.add(controlName);
      cells.add(Objects.requireNonNull(control, controlName + " == null"));
    }
    for (Map.Entry<String, ? extends Cell<?>> input : new TreeMap<>(inputs).entrySet()) {
      names.add(input.getKey());
      cells.add(Objects.requireNonNull(input.getValue(), "input " + input.getKey() + " == null"));
    }
    FlowStep step = new FlowStep(Ids.newId(), kind, children, settings, names, cells,
        outputs(kind, settings, children));
    List<String> problems = problems(step);
    if (!problems.isEmpty()) {
      throw new WorkflowValidationException("the " + kind.slug() + " step", problems);
    }
    return step;
  }

  private static List<WorkflowStep.OutputSpec> outputs(FlowStep.Kind kind,
      FlowStep.Settings settings, Map<String, Workflow> children) {
    List<WorkflowStep.OutputSpec> outputs = new ArrayList<>();
    if (children.isEmpty()) {
      return outputs;
    }
    Workflow first = children.values().iterator().next();
    switch (kind) {
      case MAP -> {
        if (first.outputs().size() == 1) {
          outputs.add(new WorkflowStep.OutputSpec(Ids.newId(), FlowStep.RESULTS, null,
              StorageKind.VALUE, FlowStep.listOf(first.outputs().get(0).type())));
        }
      }
      case ROUTER -> outputs.add(new WorkflowStep.OutputSpec(Ids.newId(), FlowStep.RESULTS, null,
          StorageKind.VALUE, RESULTS_MAP));
      case PARALLEL -> {
        for (Map.Entry<String, Workflow> branch : children.entrySet()) {
          List<Cell<?>> exposed = exposedOutputs(kind, settings, branch.getValue());
          for (int i = 0; i < exposed.size(); i++) {
            outputs.add(new WorkflowStep.OutputSpec(Ids.newId(), branch.getKey() + "_out" + i,
                null, StorageKind.VALUE, exposed.get(i).type()));
          }
        }
      }
      default -> {
        List<Cell<?>> exposed = exposedOutputs(kind, settings, first);
        for (int i = 0; i < exposed.size(); i++) {
          outputs.add(new WorkflowStep.OutputSpec(Ids.newId(), "out" + i, null,
              StorageKind.VALUE, exposed.get(i).type()));
        }
      }
    }
    return outputs;
  }

  /** The outputs of {@code child} that become outputs of the step (all but a loop's predicate). */
  static List<Cell<?>> exposedOutputs(FlowStep.Kind kind, FlowStep.Settings settings,
      Workflow child) {
    if (kind != FlowStep.Kind.LOOP) {
      return child.outputs();
    }
    List<Cell<?>> exposed = new ArrayList<>(child.outputs());
    Integer predicate = settings.whileOutput();
    if (predicate != null && predicate >= 0 && predicate < exposed.size()) {
      exposed.remove((int) predicate);
    }
    return exposed;
  }

  /**
   * Everything that does not fit in a control-flow step: unbound or unused inputs, mistyped
   * bindings, children of the wrong shape. Checked when the step is built and when it is read
   * from JSON.
   */
  public static List<String> problems(FlowStep step) {
    List<String> problems = new ArrayList<>(step.settings().problems(step.kind()));
    FlowStep.Kind kind = step.kind();
    Map<String, Workflow> children = step.children();
    if (children.isEmpty()) {
      problems.add("it has no child workflows");
      return problems;
    }
    if ((kind == FlowStep.Kind.SUBWORKFLOW || kind == FlowStep.Kind.MAP
        || kind == FlowStep.Kind.LOOP) && !children.keySet().equals(java.util.Set.of(FlowStep.BODY))) {
      problems.add("it needs exactly one child workflow named '" + FlowStep.BODY + "'");
      return problems;
    }
    Map<String, Cell<?>> bound = new LinkedHashMap<>();
    for (int i = 0; i < step.inputNames().size(); i++) {
      bound.put(step.inputNames().get(i), step.inputCells().get(i));
    }
    String control = switch (kind) {
      case MAP -> FlowStep.ITEMS;
      case CONDITIONAL -> FlowStep.CONDITION;
      case ROUTER -> FlowStep.ROUTES;
      default -> null;
    };
    if (control != null && !bound.containsKey(control)) {
      problems.add("it has no '" + control + "' input");
    }
    java.util.Set<String> used = new java.util.HashSet<>();
    if (control != null) {
      used.add(control);
    }
    for (Map.Entry<String, Workflow> child : children.entrySet()) {
      for (Cell<?> input : child.getValue().inputs()) {
        String alias = input.alias();
        used.add(alias);
        if (kind == FlowStep.Kind.MAP && alias.equals(step.settings().itemInput())) {
          continue;
        }
        Cell<?> cell = bound.get(alias);
        if (cell == null) {
          problems.add("child '" + child.getKey() + "' needs the input '" + alias
              + "', which is not bound; pass a cell for it in the inputs");
        } else {
          checkAssignable(problems, "input '" + alias + "' of child '" + child.getKey() + "'",
              input.type(), cell);
        }
      }
      checkChildShape(problems, step, child.getKey(), child.getValue());
    }
    for (String name : bound.keySet()) {
      if (!used.contains(name)) {
        problems.add("the input '" + name + "' is used by no child workflow; remove it");
      }
    }
    if (kind == FlowStep.Kind.CONDITIONAL || kind == FlowStep.Kind.PARALLEL) {
      checkSameOutputs(problems, step);
    }
    if (problems.isEmpty()) {
      checkOutputs(problems, step);
    }
    return problems;
  }

  /** The step's output cells must be the ones its children imply (matters for JSON). */
  private static void checkOutputs(List<String> problems, FlowStep step) {
    List<WorkflowStep.OutputSpec> expected = outputs(step.kind(), step.settings(),
        step.children());
    List<String> expectedShape = expected.stream()
        .map(o -> o.name() + ": " + o.type().name()).toList();
    List<String> actualShape = step.outputCells().stream()
        .map(c -> c.outputName() + ": " + c.type().name()).toList();
    if (!expectedShape.equals(actualShape)) {
      problems.add("its outputs " + actualShape + " do not match its children, which produce "
          + expectedShape);
    }
  }

  private static void checkChildShape(List<String> problems, FlowStep step, String name,
      Workflow child) {
    switch (step.kind()) {
      case MAP -> {
        if (child.outputs().size() != 1) {
          problems.add("the map body must have exactly one output, not " + child.outputs().size());
        }
        if (child.inputs().stream().noneMatch(c -> c.alias().equals(step.settings().itemInput()))) {
          problems.add("the map body has no input '" + step.settings().itemInput()
              + "' to receive each item");
        }
      }
      case ROUTER -> {
        if (child.outputs().size() != 1) {
          problems.add("router branch '" + name + "' must have exactly one output, not "
              + child.outputs().size());
        }
      }
      case LOOP -> {
        Integer predicate = step.settings().whileOutput();
        if (predicate == null || predicate < 0 || predicate >= child.outputs().size()) {
          problems.add("the loop predicate is output " + predicate + " of the body, which has "
              + child.outputs().size() + " outputs");
        } else {
          String type = child.outputs().get(predicate).type().name();
          if (!type.equals("boolean") && !type.equals("java.lang.Boolean")) {
            problems.add("the loop predicate must be a boolean, not " + type);
          }
        }
        for (Map.Entry<String, Integer> carried : step.settings().carry().entrySet()) {
          Cell<?> input = child.inputs().stream()
              .filter(in -> in.alias().equals(carried.getKey())).findFirst().orElse(null);
          int index = carried.getValue();
          if (input == null || index < 0 || index >= child.outputs().size()) {
            problems.add("loop-carried input '" + carried.getKey() + "' or output " + index
                + " does not exist in the body");
          } else if (!input.type().accepts(child.outputs().get(index).type())) {
            problems.add("loop-carried input '" + carried.getKey() + "' is a "
                + input.type().name() + " but output " + index + " is a "
                + child.outputs().get(index).type().name());
          }
        }
      }
      default -> { }
    }
  }

  private static void checkSameOutputs(List<String> problems, FlowStep step) {
    if (step.kind() != FlowStep.Kind.CONDITIONAL) {
      return;
    }
    List<String> reference = null;
    String referenceName = null;
    for (Map.Entry<String, Workflow> branch : step.children().entrySet()) {
      List<String> types = branch.getValue().outputs().stream().map(c -> c.type().name()).toList();
      if (reference == null) {
        reference = types;
        referenceName = branch.getKey();
      } else if (!reference.equals(types)) {
        problems.add("branch '" + branch.getKey() + "' has outputs " + types + " but branch '"
            + referenceName + "' has " + reference + "; every branch must produce the same types");
      }
    }
  }

  private static void checkAssignable(List<String> problems, String what, ValueType<?> expected,
      Cell<?> cell) {
    String problem = cell.assignmentProblem(expected);
    if (problem != null) {
      problems.add(what + " " + problem);
    }
  }
}
