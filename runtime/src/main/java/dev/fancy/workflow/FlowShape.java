package dev.fancy.workflow;

import dev.fancy.value.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape rules of control-flow steps: which outputs a step has given its children, and
 * everything that does not fit (unbound or unused inputs, children of the wrong shape, outputs
 * that do not match the children). {@link Flow} builds steps that fit by construction; these
 * checks matter for steps read from JSON.
 */
final class FlowShape {
  private FlowShape() {}

  /**
   * The outputs a control-flow step of {@code kind} has, given its children: see the table on
   * {@link FlowStep}; their IDs are null, derived from the step's when it is made. A router's result is {@code Map<K, T>}, with {@code K} the element type of
   * its routes ({@code controlType}) and {@code T} its branches' output type.
   */
  static List<WorkflowStep.OutputSpec> outputs(FlowStep.Kind kind, FlowStep.Settings settings,
      Map<String, Workflow> children, ValueType<?> controlType) {
    List<WorkflowStep.OutputSpec> outputs = new ArrayList<>();
    if (children.isEmpty()) {
      return outputs;
    }
    Workflow first = children.values().iterator().next();
    switch (kind) {
      case MAP -> {
        if (first.outputs().size() == 1) {
          outputs.add(new WorkflowStep.OutputSpec(null, FlowStep.RESULTS, null,
              StorageKind.VALUE, FlowStep.listOf(first.outputs().get(0).type())));
        }
      }
      case ROUTER -> {
        if (first.outputs().size() == 1 && controlType != null) {
          outputs.add(new WorkflowStep.OutputSpec(null, FlowStep.RESULTS, null,
              StorageKind.VALUE, FlowStep.mapOf(controlType.elementType(),
                  first.outputs().get(0).type())));
        }
      }
      case PARALLEL -> {
        for (Map.Entry<String, Workflow> branch : children.entrySet()) {
          List<Cell<?>> exposed = exposedOutputs(kind, settings, branch.getValue());
          for (int i = 0; i < exposed.size(); i++) {
            outputs.add(new WorkflowStep.OutputSpec(null, branch.getKey() + "_out" + i,
                null, StorageKind.VALUE, exposed.get(i).type()));
          }
        }
      }
      default -> {
        List<Cell<?>> exposed = exposedOutputs(kind, settings, first);
        for (int i = 0; i < exposed.size(); i++) {
          outputs.add(new WorkflowStep.OutputSpec(null, "out" + i, null,
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
   * from JSON; the settings were checked by the step's constructor.
   */
  static List<String> problems(FlowStep step) {
    List<String> problems = new ArrayList<>();
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
    if (kind == FlowStep.Kind.CONDITIONAL || kind == FlowStep.Kind.ROUTER) {
      checkSameOutputs(problems, step);
    }
    if (problems.isEmpty()) {
      checkOutputs(problems, step);
    }
    return problems;
  }

  /** The step's output cells must be the ones its children imply (matters for JSON). */
  private static void checkOutputs(List<String> problems, FlowStep step) {
    List<WorkflowStep.OutputSpec> expected;
    try {
      expected = outputs(step.kind(), step.settings(), step.children(),
          step.inputCells().isEmpty() ? null : step.inputCells().get(0).type());
    } catch (dev.fancy.value.ValueCodecException | IllegalArgumentException e) {
      problems.add(e.getMessage());
      return;
    }
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
    List<String> reference = null;
    String referenceName = null;
    for (Map.Entry<String, Workflow> branch : step.children().entrySet()) {
      List<String> types = branch.getValue().outputs().stream().map(c -> c.type().boxedName())
          .toList();
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
