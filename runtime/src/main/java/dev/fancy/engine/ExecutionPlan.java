package dev.fancy.engine;

import dev.fancy.registry.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.value.ValueCodecException;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Composite;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.StorageKind;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import dev.fancy.workflow.WorkflowValidationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A workflow checked against a registry and flattened into arrays for execution: cells become
 * slots, steps become indices with their input slots in contract order, output slots and
 * dependents. Immutable and shared by every run of the same workflow.
 */
final class ExecutionPlan {

  final Workflow workflow;
  final WorkflowStep[] steps;
  final StepDefinition[] definitions;
  /** Per step, the slot of each argument in the order the invoker expects. */
  final int[][] argumentSlots;
  /** Per step, the contract type of each argument (for null checks of primitives). */
  final ValueType<?>[][] argumentTypes;
  /** Per step, the slot of each output in the workflow step's output order. */
  final int[][] outputSlots;
  /** Per step, the indices of steps that wait for it. */
  final int[][] dependents;
  /** Per step, how many steps it waits for. */
  final int[] dependencyCount;
  /** Slot to cell. */
  final Cell<?>[] cells;
  /** Slot to the types of the ports that read it (checked when a run binds an input). */
  final List<List<ValueType<?>>> consumerTypes;
  final Map<UUID, Integer> slotById;
  /** Step ID to step index. */
  final Map<UUID, Integer> stepIndex;

  private ExecutionPlan(Workflow workflow, int stepCount, int cellCount) {
    this.workflow = workflow;
    this.steps = workflow.steps().toArray(new WorkflowStep[0]);
    this.definitions = new StepDefinition[stepCount];
    this.argumentSlots = new int[stepCount][];
    this.argumentTypes = new ValueType<?>[stepCount][];
    this.outputSlots = new int[stepCount][];
    this.dependents = new int[stepCount][];
    this.dependencyCount = new int[stepCount];
    this.cells = new Cell<?>[cellCount];
    this.consumerTypes = new ArrayList<>(cellCount);
    this.slotById = new HashMap<>(cellCount * 2);
    this.stepIndex = new HashMap<>(stepCount * 2);
  }

  /**
   * Checks {@code workflow} against {@code registry} and builds its plan.
   *
   * @throws WorkflowValidationException listing every problem: unknown slugs or versions, inputs
   *     without a binding, inputs or outputs the contract does not declare, mismatched types and
   *     storage kinds, duplicate IDs
   */
  static ExecutionPlan compile(Workflow workflow, StepRegistry registry) {
    int cellCount = workflow.inputs().size() + workflow.constants().size();
    for (WorkflowStep step : workflow.steps()) {
      cellCount += step.outputNames().size();
    }
    ExecutionPlan plan = new ExecutionPlan(workflow, workflow.steps().size(), cellCount);
    List<String> problems = new ArrayList<>();
    plan.index(problems);
    for (int s = 0; s < plan.steps.length; s++) {
      if (plan.stepIndex.put(plan.steps[s].id(), s) != null) {
        problems.add("step '" + plan.steps[s].slug() + "' appears twice with ID "
            + plan.steps[s].id() + "; every step needs its own ID");
      }
    }
    for (int s = 0; s < plan.steps.length; s++) {
      plan.bind(s, registry, problems);
    }
    if (!problems.isEmpty()) {
      throw new WorkflowValidationException("workflow '" + workflow.name() + "'", problems);
    }
    plan.link();
    return plan;
  }

  private void index(List<String> problems) {
    int slot = 0;
    List<Cell<?>> all = new ArrayList<>(cells.length);
    all.addAll(workflow.inputs());
    all.addAll(workflow.constants());
    for (WorkflowStep step : steps) {
      all.addAll(step.outputCells());
    }
    for (Cell<?> cell : all) {
      if (slotById.putIfAbsent(cell.id(), slot) != null) {
        problems.add("cell '" + cell.alias() + "' reuses ID " + cell.id()
            + "; every cell needs its own ID");
        continue;
      }
      cells[slot++] = cell;
      consumerTypes.add(new ArrayList<>(1));
    }
  }

  private void bind(int s, StepRegistry registry, List<String> problems) {
    WorkflowStep step = steps[s];
    String where = "step '" + step.slug() + "' (" + step.id() + ")";
    StepDefinition definition = registry.find(step.slug(), step.version()).orElse(null);
    if (definition == null) {
      List<Integer> versions = registry.versions(step.slug());
      problems.add(where + " calls " + step.slug() + "@" + step.version() + ", which is not "
          + "registered" + (versions.isEmpty()
              ? "; register the module that defines it (is fancy-processor on the annotation "
                  + "processor path, and the module on the class path?)"
              : "; registered versions are " + versions));
      return;
    }
    definitions[s] = definition;
    Contract contract = definition.contract();
    bindInputs(s, where, contract, problems);
    bindOutputs(s, where, contract, problems);
  }

  private void bindInputs(int s, String where, Contract contract, List<String> problems) {
    WorkflowStep step = steps[s];
    List<String> names = step.inputNames();
    if (contract.openInputs()) {
      argumentSlots[s] = new int[names.size()];
      argumentTypes[s] = new ValueType<?>[names.size()];
      for (int i = 0; i < names.size(); i++) {
        Cell<?> cell = step.inputCells().get(i);
        argumentSlots[s][i] = slotOf(cell);
        argumentTypes[s][i] = cell.type();
      }
      return;
    }
    List<Port> ports = contract.inputs();
    argumentSlots[s] = new int[ports.size()];
    argumentTypes[s] = new ValueType<?>[ports.size()];
    for (String name : names) {
      if (ports.stream().noneMatch(p -> p.name().equals(name))) {
        problems.add(where + " has an input '" + name + "' that its contract does not declare; "
            + "the inputs are " + contract.inputNames());
      }
    }
    for (int i = 0; i < ports.size(); i++) {
      Port port = ports.get(i);
      int index = names.indexOf(port.name());
      if (index < 0) {
        problems.add(where + " input '" + port.name() + "' has no binding; wire a cell of type "
            + port.type().name() + " into it");
        continue;
      }
      Cell<?> cell = step.inputCells().get(index);
      checkAssignable(where + " input '" + port.name() + "'", port.type(), cell, problems);
      int slot = slotOf(cell);
      argumentSlots[s][i] = slot;
      argumentTypes[s][i] = port.type();
      if (slot >= 0) {
        consumerTypes.get(slot).add(port.type());
      }
    }
  }

  private void bindOutputs(int s, String where, Contract contract, List<String> problems) {
    WorkflowStep step = steps[s];
    List<Cell<?>> outputs = step.outputCells();
    outputSlots[s] = new int[outputs.size()];
    for (int i = 0; i < outputs.size(); i++) {
      outputSlots[s][i] = slotOf(outputs.get(i));
    }
    if (contract.openOutputs()) {
      checkUngroupMembers(step, where, problems);
      return;
    }
    if (!step.outputNames().equals(contract.outputNames())) {
      problems.add(where + " has outputs " + step.outputNames() + " but its contract declares "
          + contract.outputNames() + "; rebuild the workflow with the current step code");
      return;
    }
    for (int i = 0; i < outputs.size(); i++) {
      Port port = contract.outputs().get(i);
      Cell<?> cell = outputs.get(i);
      if (!port.type().equals(cell.type()) || port.kind() != cell.kind()) {
        problems.add(where + " output '" + port.name() + "' is a " + cell.kind() + " cell of type "
            + cell.type().name() + " but the contract declares a " + port.kind() + " "
            + port.type().name());
      }
    }
  }

  /** An ungroup fed by a group in the same workflow must name existing members of fitting type. */
  private void checkUngroupMembers(WorkflowStep step, String where, List<String> problems) {
    if (!step.slug().equals(Composite.UNGROUP_SLUG) || step.inputCells().isEmpty()) {
      return;
    }
    WorkflowStep group = step.inputCells().get(0).producer();
    if (group == null || !group.slug().equals(Composite.GROUP_SLUG)) {
      return;
    }
    for (Cell<?> member : step.outputCells()) {
      int index = group.inputNames().indexOf(member.outputName());
      if (index < 0) {
        problems.add(where + " takes member '" + member.outputName() + "' but the composite "
            + "only has " + group.inputNames());
      } else {
        checkAssignable(where + " member '" + member.outputName() + "'", member.type(),
            group.inputCells().get(index), problems);
      }
    }
  }

  private static void checkAssignable(
      String what, ValueType<?> expected, Cell<?> cell, List<String> problems) {
    try {
      if (!expected.accepts(cell.type())) {
        problems.add(what + " expects " + expected.name() + " but cell '" + cell.alias() + "' ("
            + cell.id() + ") is a " + cell.type().name());
      }
    } catch (ValueCodecException e) {
      problems.add(what + ": " + e.getMessage());
    }
  }

  private int slotOf(Cell<?> cell) {
    Integer slot = slotById.get(cell.id());
    return slot == null ? -1 : slot;
  }

  private void link() {
    List<List<Integer>> waiting = new ArrayList<>(steps.length);
    for (int s = 0; s < steps.length; s++) {
      waiting.add(new ArrayList<>(1));
    }
    for (int s = 0; s < steps.length; s++) {
      List<WorkflowStep> upstream = new ArrayList<>();
      for (Cell<?> cell : steps[s].inputCells()) {
        if (cell.producer() != null && !upstream.contains(cell.producer())) {
          upstream.add(cell.producer());
        }
      }
      for (WorkflowStep step : steps[s].upstream()) {
        if (!upstream.contains(step)) {
          upstream.add(step);
        }
      }
      dependencyCount[s] = upstream.size();
      for (WorkflowStep step : upstream) {
        waiting.get(stepIndex.get(step.id())).add(s);
      }
    }
    for (int s = 0; s < steps.length; s++) {
      dependents[s] = waiting.get(s).stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** Whether values of {@code slot} belong in the reference store. */
  boolean isReference(int slot) {
    return cells[slot].kind() == StorageKind.REFERENCE;
  }
}
