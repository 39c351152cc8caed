package dev.fancy.internal.core;

import dev.fancy.frame.StepFailure;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueCodecException;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Composite;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.FlowStep;
import dev.fancy.workflow.OutputValidator;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.StorageKind;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import dev.fancy.workflow.WorkflowValidationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * A workflow checked against a registry and flattened into arrays for execution. Cells become
 * slots (inputs first, then constants, then step outputs in step order); per-step lists (argument
 * slots, output slots, dependents) are kept in compressed form, one flat array plus start offsets,
 * so a million-step plan costs a few bytes per step. Immutable and shared by every run of the
 * same workflow.
 */
final class ExecutionPlan {

  /** The name of the fallback input that receives the failure. */
  static final String FAILURE_INPUT = "failure";
  static final ValueType<StepFailure> FAILURE_TYPE = ValueType.of(StepFailure.class);

  final Workflow workflow;
  final WorkflowStep[] steps;
  final StepDefinition[] definitions;
  /** Slot to cell. */
  final Cell<?>[] cells;
  /** Number of input and constant slots (they come first). */
  final int sourceCount;

  /** Arguments of step s: {@code argSlot[argStart[s] .. argStart[s + 1])}, invoker order. */
  final int[] argStart;
  final int[] argSlot;
  /** Whether the argument's contract type is primitive (null is an error). */
  final boolean[] argPrimitive;
  /** The argument's type (the contract's, or the cell's for open contracts). */
  final ValueType<?>[] argType;
  /** Per step, the effective options: the definition's defaults overridden by the step's. */
  final StepOptions[] options;
  /**
   * A resolved output validation.
   *
   * @param validator the validator
   * @param output the index of the output it checks
   * @param description how messages name it
   */
  record Validation(OutputValidator<Object> validator, int output, String description) {}

  /** Per step, the resolved output validations, in option order. */
  final Validation[][] validators;
  /** Per step, the fallback's definition, or null. */
  final StepDefinition[] fallbacks;
  /** Per step with a fallback: per fallback input, the index of the step's argument, or -1 for the failure. */
  final int[][] fallbackArgs;
  /** Per step, whether it needs the attempt machinery (retries, timeout, validators, cache, fallback). */
  final boolean[] guarded;
  /** Outputs of step s: {@code outSlot[outStart[s] .. outStart[s + 1])}. */
  final int[] outStart;
  final int[] outSlot;
  /** Steps waiting for step s: {@code dependent[depStart[s] .. depStart[s + 1])}. */
  final int[] depStart;
  final int[] dependent;
  /** How many steps step s waits for. */
  final int[] dependencyCount;
  /** For each source slot, the types of the ports that read it (checked when a run binds it). */
  final List<List<ValueType<?>>> sourceConsumerTypes;

  /** Per control-flow step, the plans of its child workflows by name; null for other steps. */
  final Map<String, ExecutionPlan>[] children;

  private volatile Map<UUID, Integer> slotById;
  private volatile Map<UUID, Integer> stepById;

  private ExecutionPlan(Workflow workflow, int cellCount, int argCount) {
    this.workflow = workflow;
    this.steps = workflow.steps().toArray(new WorkflowStep[0]);
    int n = steps.length;
    this.definitions = new StepDefinition[n];
    this.cells = new Cell<?>[cellCount];
    this.sourceCount = workflow.inputs().size() + workflow.constants().size();
    this.argStart = new int[n + 1];
    this.argSlot = new int[argCount];
    this.argPrimitive = new boolean[argCount];
    this.argType = new ValueType<?>[argCount];
    this.options = new StepOptions[n];
    this.validators = new Validation[n][];
    this.fallbacks = new StepDefinition[n];
    this.fallbackArgs = new int[n][];
    this.guarded = new boolean[n];
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map<String, ExecutionPlan>[] childPlans = new Map[n];
    this.children = childPlans;
    this.outStart = new int[n + 1];
    this.outSlot = new int[cellCount - sourceCount];
    this.depStart = new int[n + 1];
    this.dependencyCount = new int[n];
    this.sourceConsumerTypes = new ArrayList<>(sourceCount);
    for (int i = 0; i < sourceCount; i++) {
      sourceConsumerTypes.add(new ArrayList<>(1));
    }
    this.dependent = link();
  }

  /**
   * Checks {@code workflow} against {@code registry} and builds its plan.
   *
   * @throws WorkflowValidationException listing every problem: unknown slugs or versions, inputs
   *     without a binding, inputs or outputs the contract does not declare, mismatched types and
   *     storage kinds
   */
  static ExecutionPlan compile(Workflow workflow, StepRegistry registry) {
    int cellCount = workflow.inputs().size() + workflow.constants().size();
    int argCount = 0;
    for (WorkflowStep step : workflow.steps()) {
      cellCount += step.outputNames().size();
      argCount += step.inputNames().size();
    }
    ExecutionPlan plan = new ExecutionPlan(workflow, cellCount, argCount);
    Map<UUID, Integer> slots = plan.indexCells();
    List<String> problems = new ArrayList<>();
    plan.checkSourceTypes(registry, problems);
    int arg = 0;
    for (int s = 0; s < plan.steps.length; s++) {
      plan.argStart[s] = arg;
      arg = plan.bind(s, arg, slots, registry, problems);
    }
    plan.argStart[plan.steps.length] = arg;
    if (!problems.isEmpty()) {
      throw new WorkflowValidationException("workflow '" + workflow.name() + "'", problems);
    }
    return plan;
  }

  private Map<UUID, Integer> indexCells() {
    // by ID, not identity: a step may read an input or constant equal to, but not the same
    // object as, the one the workflow lists (made twice by the same wiring code)
    Map<UUID, Integer> slots = new HashMap<>(cells.length * 2);
    int slot = 0;
    for (Cell<?> cell : workflow.inputs()) {
      slots.put(cell.id(), slot);
      cells[slot++] = cell;
    }
    for (Cell<?> cell : workflow.constants()) {
      slots.put(cell.id(), slot);
      cells[slot++] = cell;
    }
    for (int s = 0; s < steps.length; s++) {
      outStart[s] = slot - sourceCount;
      for (Cell<?> cell : steps[s].outputCells()) {
        outSlot[slot - sourceCount] = slot;
        slots.put(cell.id(), slot);
        cells[slot++] = cell;
      }
    }
    outStart[steps.length] = slot - sourceCount;
    return slots;
  }

  /**
   * Inputs and constants whose type was read from JSON may only name classes the registry allows
   * (a type name decides which class Jackson instantiates when the value is read).
   */
  private void checkSourceTypes(StepRegistry registry, List<String> problems) {
    for (int slot = 0; slot < sourceCount; slot++) {
      Cell<?> cell = cells[slot];
      if (!cell.type().fromName()) {
        continue;
      }
      for (String className : cell.type().classNames()) {
        if (!registry.isTypeAllowed(className)) {
          problems.add((cell.role() == Cell.Role.CONSTANT ? "constant '" : "input '")
              + cell.alias() + "' has type " + cell.type().name() + ", which names "
              + className + ": no registered step uses that class. Types in workflow JSON must "
              + "appear in a registered step's contract; allow others in code with "
              + "StepRegistry.allowType(" + className.substring(className.lastIndexOf('.') + 1)
              .replace('$', '.') + ".class)");
        }
      }
    }
  }

  /** Generated modules whose registration advice a problem gave already. */
  private final java.util.Set<String> hintedModules = new java.util.HashSet<>();

  /** How to register an unregistered step's module: in full the first time, then briefly. */
  private String originHint(dev.fancy.workflow.StepOrigin origin) {
    return hintedModules.add(origin.module()) ? ": " + origin.registrationHint()
        : "; its module " + origin.module() + " is not registered either (see above)";
  }

  /** Resolves step s; returns the next free argument index. */
  private int bind(int s, int arg, Map<UUID, Integer> slots, StepRegistry registry,
      List<String> problems) {
    WorkflowStep step = steps[s];
    StepDefinition definition = registry.find(step.slug(), step.version()).orElse(null);
    if (definition == null) {
      List<Integer> versions = registry.versions(step.slug());
      problems.add(where(step) + " calls " + step.slug() + "@" + step.version() + ", which is not "
          + "registered" + (!versions.isEmpty() ? "; registered versions are " + versions
              : step.origin().isPresent() ? originHint(step.origin().get())
              : "; register the module that defines it (is fancy-processor on the annotation "
                  + "processor path, and the module on the class path?)"));
      return arg + step.inputNames().size();
    }
    definitions[s] = definition;
    Contract contract = definition.contract();
    int next = bindInputs(s, arg, contract, slots, problems);
    bindOutputs(s, contract, problems);
    bindOptions(s, registry, problems);
    if (step instanceof FlowStep flow) {
      bindChildren(s, flow, registry, problems);
    }
    return next;
  }

  /** Compiles a control-flow step's children, so their problems show before anything runs. */
  private void bindChildren(int s, FlowStep flow, StepRegistry registry, List<String> problems) {
    Map<String, ExecutionPlan> plans = new LinkedHashMap<>();
    for (Map.Entry<String, Workflow> child : flow.children().entrySet()) {
      try {
        plans.put(child.getKey(), compile(child.getValue(), registry));
      } catch (WorkflowValidationException e) {
        for (String problem : e.problems()) {
          problems.add(where(flow) + " child '" + child.getKey() + "': " + problem);
        }
      }
    }
    children[s] = plans;
  }

  /**
   * Values for this plan's source slots (inputs by alias, then constants read back from JSON),
   * every one checked against the cell's type and the types of the ports that read it.
   *
   * @throws WorkflowValidationException listing missing, unknown and mistyped inputs
   */
  Object[] bindSources(Map<String, ?> inputs, ValueCodec codec) {
    List<String> problems = new ArrayList<>();
    Object[] values = new Object[sourceCount];
    Set<String> names = new HashSet<>();
    int i = 0;
    for (Cell<?> input : workflow.inputs()) {
      names.add(input.alias());
      if (!inputs.containsKey(input.alias())) {
        problems.add("workflow input '" + input.alias() + "' (" + input.type().name()
            + ") has no value; bind it with Inputs.of(cell, value)");
      } else {
        values[i] = inputs.get(input.alias());
        checkSource(i, values[i], "workflow input '" + input.alias() + "'", problems);
      }
      i++;
    }
    for (String name : inputs.keySet()) {
      if (!names.contains(name)) {
        problems.add("'" + name + "' is not an input of workflow '" + workflow.name()
            + "'; its inputs are " + workflow.inputs().stream().map(Cell::alias).toList());
      }
    }
    for (Cell<?> constant : workflow.constants()) {
      String what = "constant '" + constant.alias() + "'";
      try {
        values[i] = codec.fromTree(constant.constantValue(), constant.type());
        checkSource(i, values[i], what, problems);
      } catch (ValueCodecException e) {
        problems.add(what + ": " + e.getMessage());
      }
      i++;
    }
    if (!problems.isEmpty()) {
      throw new WorkflowValidationException(
          "the inputs of a run of workflow '" + workflow.name() + "'", problems);
    }
    return values;
  }

  private void checkSource(int slot, Object value, String what, List<String> problems) {
    try {
      List<ValueType<?>> types = new ArrayList<>();
      types.add(cells[slot].type());
      types.addAll(sourceConsumerTypes.get(slot));
      for (ValueType<?> type : types) {
        if (value == null && type.isPrimitive()) {
          problems.add(nullIntoPrimitive(slot, what, type));
          return;
        }
        if (!type.isInstance(value)) {
          problems.add(what + " must be a " + type.name() + " but is "
              + (value == null ? "null" : "a " + value.getClass().getName()));
          return;
        }
      }
    } catch (ValueCodecException e) {
      problems.add(what + ": " + e.getMessage());
    }
  }

  /** Why a null cannot go into source {@code slot}, whose reader wants the primitive type. */
  private String nullIntoPrimitive(int slot, String what, ValueType<?> type) {
    if (cells[slot].type().isPrimitive()) {
      return what + " is null, but its type " + type.name() + " is primitive and cannot be null; "
          + "give it a value, or type it " + type.boxedName() + " to allow null";
    }
    for (int s = 0; s < steps.length; s++) {
      for (int arg = argStart[s]; arg < argStart[s + 1]; arg++) {
        if (argSlot[arg] == slot && argPrimitive[arg]) {
          return what + " is null, but step '" + steps[s].slug() + "' reads it as "
              + type.name() + ", which cannot be null; give it a value, or declare that "
              + "parameter as " + type.boxedName() + " to accept null";
        }
      }
    }
    return what + " is null, but it is read as " + type.name() + ", which cannot be null; "
        + "give it a value";
  }

  private void bindOptions(int s, StepRegistry registry, List<String> problems) {
    WorkflowStep step = steps[s];
    StepOptions effective = definitions[s].defaults().overriddenBy(step.options());
    options[s] = effective;
    for (String problem : effective.problems()) {
      problems.add(where(step) + " has invalid options: " + problem);
    }
    validators[s] = new Validation[effective.validators().size()];
    for (int i = 0; i < validators[s].length; i++) {
      StepOptions.Validation validation = effective.validators().get(i);
      OutputValidator<?> validator = step.validator(validation.validator())
          .or(() -> registry.validator(validation.validator())).orElse(null);
      int output = step.outputNames().indexOf(validation.output());
      if (validator == null) {
        problems.add(where(step) + " uses the validator '" + validation.validator() + "', which "
            + "is not registered; register it with StepRegistry.registerValidator(new "
            + validation.validator().substring(validation.validator().lastIndexOf('.') + 1)
                .replace('$', '.') + "())");
      } else if (output < 0) {
        problems.add(where(step) + " validates output '" + validation.output() + "', which it "
            + "does not have; its outputs are " + step.outputNames());
      } else {
        @SuppressWarnings("unchecked")
        OutputValidator<Object> typed = (OutputValidator<Object>) validator;
        validators[s][i] = new Validation(typed, output, "validator '" + validation.validator()
            + "' of output '" + validation.output() + "'");
      }
    }
    if (effective.fallback() != null) {
      bindFallback(s, registry, effective.fallback(), problems);
    }
    guarded[s] = effective.maxAttempts() > 1 || effective.timeout() != null
        || effective.heartbeatTimeout() != null || validators[s].length > 0 || effective.cached() || effective.fallback() != null;
  }

  /**
   * A fallback must produce the step's outputs (same names and types) and may take any of the
   * step's inputs (same names, fitting types) plus an input {@code failure} of type
   * {@link StepFailure}.
   */
  private void bindFallback(int s, StepRegistry registry, StepOptions.StepRef ref,
      List<String> problems) {
    WorkflowStep step = steps[s];
    StepDefinition fallback = registry.find(ref.slug(), ref.version()).orElse(null);
    if (fallback == null) {
      problems.add(where(step) + " falls back to " + ref.slug() + "@" + ref.version()
          + ", which is not registered");
      return;
    }
    Contract own = definitions[s].contract();
    Contract theirs = fallback.contract();
    if (own.openInputs() || own.openOutputs() || theirs.openInputs() || theirs.openOutputs()
        || !own.outputs().equals(theirs.outputs())) {
      problems.add(where(step) + " falls back to " + fallback.key() + ", whose outputs "
          + theirs.outputs() + " differ from the step's " + own.outputs()
          + "; a fallback must produce the same outputs");
      return;
    }
    int[] mapping = new int[theirs.inputs().size()];
    for (int i = 0; i < mapping.length; i++) {
      Port port = theirs.inputs().get(i);
      int index = own.inputNames().indexOf(port.name());
      if (port.name().equals(FAILURE_INPUT) && port.type().equals(FAILURE_TYPE)) {
        mapping[i] = -1;
      } else if (index >= 0 && port.type().accepts(own.inputs().get(index).type())) {
        mapping[i] = index;
      } else {
        problems.add(where(step) + " falls back to " + fallback.key() + ", whose input '"
            + port.name() + "' is neither one of the step's inputs " + own.inputNames()
            + " with a fitting type nor '" + FAILURE_INPUT + "' of type " + FAILURE_TYPE.name());
        return;
      }
    }
    fallbacks[s] = fallback;
    fallbackArgs[s] = mapping;
  }

  /** How messages name a step; built only when there is a problem (UUIDs are slow to print). */
  private static String where(WorkflowStep step) {
    return "step '" + step.slug() + "' (" + step.id() + ")";
  }

  private int bindInputs(int s, int arg, Contract contract,
      Map<UUID, Integer> slots, List<String> problems) {
    WorkflowStep step = steps[s];
    List<String> names = step.inputNames();
    List<Cell<?>> inputs = step.inputCells();
    if (contract.openInputs()) {
      for (Cell<?> cell : inputs) {
        argType[arg] = cell.type();
        argSlot[arg++] = slots.get(cell.id());
      }
      return arg;
    }
    for (String name : names) {
      if (!contract.inputNames().contains(name)) {
        problems.add(where(step) + " has an input '" + name + "' that its contract does not declare; "
            + "the inputs are " + contract.inputNames());
      }
    }
    for (Port port : contract.inputs()) {
      int index = names.indexOf(port.name());
      if (index < 0) {
        problems.add(where(step) + " input '" + port.name() + "' has no binding; wire a cell of type "
            + port.type().name() + " into it");
        continue;
      }
      Cell<?> cell = inputs.get(index);
      checkAssignable(step, "input '" + port.name() + "'", port.type(), cell, problems);
      int slot = slots.get(cell.id());
      argSlot[arg] = slot;
      argPrimitive[arg] = port.type().isPrimitive();
      argType[arg] = port.type();
      arg++;
      if (slot < sourceCount) {
        sourceConsumerTypes.get(slot).add(port.type());
      }
    }
    return argStart[s] + names.size();
  }

  private void bindOutputs(int s, Contract contract, List<String> problems) {
    WorkflowStep step = steps[s];
    if (contract.openOutputs()) {
      checkUngroupMembers(step, problems);
      return;
    }
    if (!step.outputNames().equals(contract.outputNames())) {
      problems.add(where(step) + " has outputs " + step.outputNames() + " but its contract declares "
          + contract.outputNames() + "; rebuild the workflow with the current step code");
      return;
    }
    List<Cell<?>> outputs = step.outputCells();
    for (int i = 0; i < outputs.size(); i++) {
      Port port = contract.outputs().get(i);
      Cell<?> cell = outputs.get(i);
      if (!port.type().equals(cell.type()) || port.kind() != cell.kind()) {
        problems.add(where(step) + " output '" + port.name() + "' is a " + cell.kind() + " cell of type "
            + cell.type().name() + " but the contract declares a " + port.kind() + " "
            + port.type().name());
      }
    }
  }

  /** An ungroup fed by a group in the same workflow must name existing members of fitting type. */
  private static void checkUngroupMembers(WorkflowStep step, List<String> problems) {
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
        problems.add(where(step) + " takes member '" + member.outputName() + "' but the composite "
            + "only has " + group.inputNames());
      } else {
        checkAssignable(step, "member '" + member.outputName() + "'", member.type(),
            group.inputCells().get(index), problems);
      }
    }
  }

  private static void checkAssignable(WorkflowStep step, String what, ValueType<?> expected,
      Cell<?> cell, List<String> problems) {
    String problem = cell.assignmentProblem(expected);
    if (problem != null) {
      problems.add(where(step) + " " + what + " " + problem);
    }
  }

  /** Counts each step's distinct upstream steps and fills the compressed dependents lists. */
  private int[] link() {
    Map<WorkflowStep, Integer> index = new IdentityHashMap<>(steps.length);
    for (int s = 0; s < steps.length; s++) {
      index.put(steps[s], s);
    }
    int[][] upstream = new int[steps.length][];
    int[] counts = new int[steps.length + 1];
    for (int s = 0; s < steps.length; s++) {
      upstream[s] = upstreamOf(steps[s], index);
      dependencyCount[s] = upstream[s].length;
      for (int u : upstream[s]) {
        counts[u]++;
      }
    }
    int total = 0;
    for (int s = 0; s < steps.length; s++) {
      depStart[s] = total;
      total += counts[s];
    }
    depStart[steps.length] = total;
    int[] flat = new int[total];
    int[] fill = new int[steps.length];
    for (int s = 0; s < steps.length; s++) {
      for (int u : upstream[s]) {
        flat[depStart[u] + fill[u]++] = s;
      }
      upstream[s] = null;
    }
    return flat;
  }

  private static int[] upstreamOf(WorkflowStep step, Map<WorkflowStep, Integer> index) {
    int[] found = new int[step.inputNames().size() + step.upstream().size()];
    int count = 0;
    for (Cell<?> cell : step.inputCells()) {
      count = addDistinct(found, count, cell.producer(), index);
    }
    for (WorkflowStep before : step.upstream()) {
      count = addDistinct(found, count, before, index);
    }
    return count == found.length ? found : Arrays.copyOf(found, count);
  }

  private static int addDistinct(
      int[] found, int count, WorkflowStep step, Map<WorkflowStep, Integer> index) {
    if (step == null) {
      return count;
    }
    int s = index.get(step);
    for (int i = 0; i < count; i++) {
      if (found[i] == s) {
        return count;
      }
    }
    found[count] = s;
    return count + 1;
  }

  /**
   * Step {@code s}'s outputs read back from JSON (a cache hit, or an attempt committed by an
   * earlier execution of the run), each as its output cell's type.
   *
   * @throws IllegalStateException if the number of outputs differs from the step's
   * @throws dev.fancy.value.ValueCodecException if a value does not fit its cell's type
   */
  Object[] decodeOutputs(int s, com.fasterxml.jackson.databind.node.ArrayNode array,
      ValueCodec codec) {
    int first = outStart[s];
    Object[] outputs = new Object[outStart[s + 1] - first];
    if (array.size() != outputs.length) {
      throw new IllegalStateException("the stored result of step '" + steps[s].slug() + "' has "
          + array.size() + " outputs, not " + outputs.length);
    }
    for (int i = 0; i < outputs.length; i++) {
      outputs[i] = codec.fromTree(array.get(i), cells[outSlot[first + i]].type());
    }
    return outputs;
  }

  /** Whether values of {@code slot} belong in the reference store. */
  boolean isReference(int slot) {
    return cells[slot].kind() == StorageKind.REFERENCE;
  }

  /** The slot of the cell with this ID, or null; the index is built on first use. */
  Integer slotOf(UUID cellId) {
    Map<UUID, Integer> map = slotById;
    if (map == null) {
      slotById = map = indexById(cells.length, slot -> cells[slot].id());
    }
    return map.get(cellId);
  }

  /** The index of the step with this ID, or null; the index is built on first use. */
  Integer stepOf(UUID stepId) {
    Map<UUID, Integer> map = stepById;
    if (map == null) {
      stepById = map = indexById(steps.length, s -> steps[s].id());
    }
    return map.get(stepId);
  }

  private static Map<UUID, Integer> indexById(int count, IntFunction<UUID> id) {
    Map<UUID, Integer> map = new HashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      map.put(id.apply(i), i);
    }
    return map;
  }
}
