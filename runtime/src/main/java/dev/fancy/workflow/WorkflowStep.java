package dev.fancy.workflow;

import dev.fancy.value.ValueType;
import dev.fancy.workflow.spi.StepIdentity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One call of a step inside a workflow: the step's slug and version, the cells wired into its
 * inputs, the new cells it produces, and ordering edges to steps it must run after.
 *
 * <p>Creating a workflow step runs nothing. Generated factories ({@code <Class>Steps.method(...)})
 * return typed subclasses whose accessors return each output as a typed {@link Cell}. Workflow
 * steps are compared by content (IDs, slug, version, name, wiring, output cells, ordering edges).
 *
 * <p>A workflow step's ID is derived from its slug, version and the IDs of the cells wired into
 * its inputs (and its outputs' names and types), so the same wiring code gives the same step and
 * output cells in every process (docs/semantics.md, "Cell and step IDs"). Two calls of one step
 * with the same inputs are therefore the same ID: a workflow refuses them unless one is
 * {@linkplain #named named}.
 */
public non-sealed class WorkflowStep implements WorkflowElement {

  /**
   * An output to create: its ID (null: derived from the step's ID and the output's position),
   * name, alias (null for the default), kind and type.
   */
  record OutputSpec(UUID id, String name, String alias, StorageKind kind, ValueType<?> type) {}

  /** The ID derived from the wiring, before any {@link #named} name. */
  private final UUID wiredId;
  private volatile UUID id;
  /** The name given with {@link #named}, or null. */
  private volatile String callName;
  private final String slug;
  private final int version;
  private final List<String> inputNames;
  private final Cell<?>[] inputs;
  private final List<String> outputNames;
  private final Cell<?>[] outputs;
  private final List<WorkflowStep> after = new ArrayList<>(0);
  /** The generated module that registers this step's code, or null. */
  private final StepOrigin origin;
  /** Validators attached in code, by name; a JSON-read step finds them in the registry. */
  private final java.util.Map<String, OutputValidator<?>> validators =
      new java.util.LinkedHashMap<>(0);
  private StepOptions options = StepOptions.DEFAULT;
  private volatile boolean frozen;
  /** The control-flow body this step was created in, or null at top level. */
  private FlowScope scope;

  /**
   * Wires a step with a closed contract and no known origin (hand-written steps).
   *
   * @throws NullPointerException as for {@link #WorkflowStep(String, int, Contract, StepOrigin,
   *     Arg...)}
   * @throws IllegalArgumentException as for {@link #WorkflowStep(String, int, Contract,
   *     StepOrigin, Arg...)}
   */
  protected WorkflowStep(String slug, int version, Contract contract, Arg<?>... inputs) {
    this(slug, version, contract, null, inputs);
  }

  /**
   * Wires a step with a closed contract; generated factories call this. Each argument that is a
   * constant ({@link Arg#value}) becomes a constant cell named like its input, of the input's
   * type.
   *
   * @param slug the step's slug
   * @param version the step's version, {@code >= 1}
   * @param contract the step's contract; outputs become new cells of the port's type and kind
   * @param origin the generated module that registers the step's code, or null
   * @param inputs one argument per contract input, in contract order
   * @throws NullPointerException if an input is null; the message names the input
   * @throws IllegalArgumentException if the slug or version is malformed, the number of inputs
   *     differs from the contract, or a constant does not fit its input (null for a primitive)
   */
  protected WorkflowStep(String slug, int version, Contract contract, StepOrigin origin,
      Arg<?>... inputs) {
    if (contract.openInputs() || contract.openOutputs()) {
      throw new IllegalArgumentException("an open contract needs explicit input and output names");
    }
    this.slug = StepIdentity.checkSlug(slug);
    this.version = StepIdentity.checkVersion(slug, version);
    this.origin = origin;
    this.inputNames = contract.inputNames();
    this.inputs = bind(slug, contract, inputs);
    this.outputNames = contract.outputNames();
    List<Port> ports = contract.outputs();
    this.wiredId = outputsContent(content(slug, version, inputNames, List.of(this.inputs)),
        ports.stream().map(p -> new OutputSpec(null, p.name(), null, p.kind(), p.type()))
            .toList()).id();
    this.id = wiredId;
    this.outputs = new Cell<?>[ports.size()];
    for (int i = 0; i < outputs.length; i++) {
      Port port = ports.get(i);
      outputs[i] = Cell.output(outputId(id, i), null, port.kind(), port.type(), this, i);
    }
    FlowScope.register(this);
  }

  void scope(FlowScope scope) {
    this.scope = scope;
  }

  /** Wires {@code cell} into input {@code index} instead (a control-flow body's capture). */
  void rebind(int index, Cell<?> cell) {
    requireNotFrozen("rebinding an input");
    inputs[index] = cell;
  }

  FlowScope scope() {
    return scope;
  }

  /** The arguments as cells: cells as they are, constants as constant cells of their port. */
  private static Cell<?>[] bind(String slug, Contract contract, Arg<?>[] arguments) {
    List<Port> ports = contract.inputs();
    if (arguments.length != ports.size()) {
      throw new IllegalArgumentException("step '" + slug + "' takes " + ports.size()
          + " inputs " + contract.inputNames() + " but was given " + arguments.length);
    }
    Cell<?>[] cells = new Cell<?>[arguments.length];
    for (int i = 0; i < cells.length; i++) {
      Arg<?> argument = arguments[i];
      if (argument == null) {
        throw new NullPointerException("input '" + ports.get(i).name() + "' of step '" + slug
            + "' is null; pass a cell, or Arg.value(null) for a null constant");
      }
      cells[i] = argument instanceof Cell<?> cell ? cell
          : constant(ports.get(i), ((Arg.Value<?>) argument).value());
      cells[i].wire();
    }
    return cells;
  }

  @SuppressWarnings("unchecked")
  private static <T> Cell<T> constant(Port port, Object value) {
    return Cell.constant(port.name(), (ValueType<T>) port.type(), (T) value);
  }

  /**
   * A built-in, control-flow or JSON-read step.
   *
   * @param id the step's ID; null derives it from the slug, version, inputs and outputs
   *     ({@link #content}, then every output's name, alias, kind and type)
   */
  WorkflowStep(UUID id, String slug, int version, List<String> inputNames,
      List<? extends Cell<?>> inputs, List<OutputSpec> outputs) {
    this.origin = null;
    this.slug = StepIdentity.checkSlug(slug);
    this.version = StepIdentity.checkVersion(slug, version);
    this.inputNames = List.copyOf(inputNames);
    this.inputs = checkInputs(slug, this.inputNames, inputs);
    this.outputNames = outputs.stream().map(OutputSpec::name).toList();
    this.wiredId = id != null ? id : outputsContent(
        content(slug, version, this.inputNames, List.of(this.inputs)), outputs).id();
    this.id = wiredId;
    this.outputs = new Cell<?>[outputs.size()];
    for (int i = 0; i < this.outputs.length; i++) {
      OutputSpec spec = outputs.get(i);
      this.outputs[i] = Cell.output(spec.id() != null ? spec.id() : outputId(this.id, i),
          spec.alias(), spec.kind(), spec.type(), this, i);
    }
  }

  /** The content of a step's ID: what it calls and the IDs of its inputs, in input order. */
  static ContentId content(String slug, int version, List<String> inputNames,
      List<? extends Cell<?>> inputs) {
    ContentId content = ContentId.of("step").add(slug).add(version).add(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      content.add(inputNames.get(i)).add(inputs.get(i).id());
    }
    return content;
  }

  /** {@code content} with the outputs' names, aliases, kinds and types. */
  static ContentId outputsContent(ContentId content, List<OutputSpec> outputs) {
    content.add(outputs.size());
    for (OutputSpec output : outputs) {
      content.add(output.name()).add(output.alias()).add(output.kind().name())
          .add(output.type().name());
    }
    return content;
  }

  /** The ID of output {@code index} of the step {@code stepId}. */
  private static UUID outputId(UUID stepId, int index) {
    return ContentId.of("output").add(stepId).add(index).id();
  }

  /** The ID of the step of ID {@code wiredId} named {@code name}. */
  private static UUID namedId(UUID wiredId, String name) {
    return ContentId.of("named step").add(wiredId).add(name).id();
  }

  private static Cell<?>[] checkInputs(
      String slug, List<String> names, List<? extends Cell<?>> inputs) {
    if (inputs.size() != names.size()) {
      throw new IllegalArgumentException("step '" + slug + "' takes " + names.size()
          + " inputs " + names + " but was given " + inputs.size());
    }
    Cell<?>[] cells = new Cell<?>[inputs.size()];
    for (int i = 0; i < cells.length; i++) {
      Cell<?> cell = inputs.get(i);
      if (cell == null) {
        throw new NullPointerException(
            "input '" + names.get(i) + "' of step '" + slug + "' is null");
      }
      cells[i] = cell;
      cell.wire();
    }
    return cells;
  }

  /** The generated module that registers this step's code, or empty (hand-written or JSON). */
  public final java.util.Optional<StepOrigin> origin() {
    return java.util.Optional.ofNullable(origin);
  }

  /**
   * This workflow step's ID, unique within its workflow: derived from the wiring and its
   * {@linkplain #named name} (see the class documentation), or as read from workflow JSON.
   */
  public final UUID id() {
    return id;
  }

  /**
   * Names this call of the step, so that it is told apart from another call of the same step
   * with the same inputs: the name becomes part of its ID and its outputs' IDs, and replaces the
   * slug's last segment in its outputs' default aliases ({@code second.out}). Needed when one
   * workflow calls a step twice with the same inputs, for example a step that samples at random
   * or has effects (docs/semantics.md, "Cell and step IDs"). Call it right after the factory,
   * before wiring the step's outputs into other steps: their IDs are derived from these.
   *
   * <pre>{@code
   * Cell<Table> first = DataSteps.sample(rows).out();
   * Cell<Table> second = DataSteps.sample(rows).named("second_sample").out();
   * }</pre>
   *
   * @param name a name: dot-free lower-case letters, digits and underscores, like a slug segment
   * @return this step
   * @throws IllegalArgumentException if the name is malformed
   * @throws IllegalStateException if an output of this step is already wired into another step,
   *     or this step is already part of a built workflow
   */
  public WorkflowStep named(String name) {
    Objects.requireNonNull(name, "name == null");
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("step name '" + name + "' is malformed: use lower-case "
          + "letters, digits and underscores, starting with a letter, e.g. second_sample");
    }
    requireNotFrozen("named(...)");
    for (Cell<?> output : outputs) {
      if (output.wired()) {
        throw new IllegalStateException("output '" + output.outputName() + "' of step '" + slug
            + "' (" + id + ") is already wired into another step, whose ID was derived from "
            + "it; call named(...) right after the factory, before using the step's outputs");
      }
    }
    nameAs(name);
    UUID renamed = namedId(wiredId, name);
    this.id = renamed;
    for (int i = 0; i < outputs.length; i++) {
      outputs[i].reidentify(outputId(renamed, i));
    }
    return this;
  }

  /** Sets the name as read from workflow JSON, whose IDs are kept as stored. */
  final void nameAs(String name) {
    this.callName = name;
  }

  /** The name given with {@link #named}, or empty. */
  public final java.util.Optional<String> callName() {
    return java.util.Optional.ofNullable(callName);
  }

  /** The slug of the step it calls. */
  public final String slug() {
    return slug;
  }

  /** The version of the step it calls. */
  public final int version() {
    return version;
  }

  /**
   * The {@linkplain #named name}, or else the last segment of the slug: used in default cell
   * aliases ({@code load_csv.out}).
   */
  final String name() {
    String given = callName;
    return given != null ? given : slug.substring(slug.lastIndexOf('.') + 1);
  }

  /** Input names in contract order. */
  public final List<String> inputNames() {
    return inputNames;
  }

  /** The cells wired into the inputs, in {@link #inputNames()} order. */
  public final List<Cell<?>> inputCells() {
    return List.of(inputs);
  }

  /**
   * The cell wired into the input named {@code name}.
   *
   * @throws IllegalArgumentException if the step has no such input
   */
  public final Cell<?> inputCell(String name) {
    int index = inputNames.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException(
          "step '" + slug + "' has no input '" + name + "'; inputs are " + inputNames);
    }
    return inputs[index];
  }

  /** Output names in contract order. */
  public final List<String> outputNames() {
    return outputNames;
  }

  /** The output cells, in {@link #outputNames()} order. */
  public final List<Cell<?>> outputCells() {
    return List.of(outputs);
  }

  /**
   * The output cell named {@code name}.
   *
   * @throws IllegalArgumentException if the step has no such output
   */
  public final Cell<?> outputCell(String name) {
    int index = outputNames.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException(
          "step '" + slug + "' has no output '" + name + "'; outputs are " + outputNames);
    }
    return outputs[index];
  }

  /** The output at {@code index}, cast to its static type; generated accessors call this. */
  @SuppressWarnings("unchecked")
  protected final <T> Cell<T> typedOutput(int index) {
    return (Cell<T>) outputs[index];
  }

  /** The input at {@code index}, cast to its static type; generated accessors call this. */
  @SuppressWarnings("unchecked")
  protected final <T> Cell<? extends T> typedInput(int index) {
    return (Cell<? extends T>) inputs[index];
  }

  /**
   * Orders this step after {@code upstream} even though it reads none of their outputs, e.g.
   * after a {@code void} step that writes a file. Call it before building the workflow.
   *
   * @return this step
   * @throws IllegalStateException if this step is already part of a built workflow
   * @throws NullPointerException if an upstream step is null
   */
  public WorkflowStep after(WorkflowStep... upstream) {
    requireNotFrozen("after(...)");
    for (WorkflowStep step : upstream) {
      after.add(Objects.requireNonNull(step, "upstream step == null"));
    }
    return this;
  }

  /**
   * Sets this step's policies, overriding the step definition's defaults field by field (see
   * {@link StepOptions}). Call it before building the workflow.
   *
   * @return this step
   * @throws WorkflowValidationException naming this step if the options are invalid (for example
   *     fewer than one attempt or a zero timeout)
   * @throws IllegalStateException if this step is already part of a built workflow
   */
  public WorkflowStep options(StepOptions options) {
    Objects.requireNonNull(options, "options == null");
    requireNotFrozen("options(...)");
    List<String> problems = options.problems();
    if (!problems.isEmpty()) {
      throw new WorkflowValidationException("the options of step '" + slug + "' (" + id + ")",
          problems);
    }
    this.options = options;
    return this;
  }

  /**
   * Checks {@code output} of this step after every attempt with {@code validator}, inside the
   * retry loop (see {@link OutputValidator}). Javac checks that the validator fits the output's
   * type. Call it before building the workflow.
   *
   * @return this step
   * @throws IllegalArgumentException if {@code output} is not an output of this step, or another
   *     validator of the same name is attached
   * @throws IllegalStateException if this step is already part of a built workflow
   */
  public <T> WorkflowStep validate(Cell<T> output, OutputValidator<? super T> validator) {
    Objects.requireNonNull(validator, "validator == null");
    requireNotFrozen("validate(...)");
    if (output == null || output.producer() != this) {
      throw new IllegalArgumentException("cell " + output + " is not an output of step '" + slug
          + "'; validate one of its outputs " + outputNames);
    }
    OutputValidator<?> previous = validators.putIfAbsent(validator.name(), validator);
    if (previous != null && previous != validator) {
      throw new IllegalArgumentException("another validator named '" + validator.name()
          + "' is attached to step '" + slug + "'; give validators distinct names");
    }
    this.options = options.withValidation(
        new StepOptions.Validation(validator.name(), output.outputName()));
    return this;
  }

  /** The validator attached in code under {@code name}, or empty. */
  public final java.util.Optional<OutputValidator<?>> validator(String name) {
    return java.util.Optional.ofNullable(validators.get(name));
  }

  /** This step's own policies; {@link StepOptions#DEFAULT} when none were set. */
  public final StepOptions options() {
    return options;
  }

  private void requireNotFrozen(String call) {
    if (frozen) {
      throw new IllegalStateException("step '" + slug + "' (" + id + ") is already part of a "
          + "workflow; call " + call + " before Workflow.of(...)");
    }
  }

  /** The steps this one is explicitly ordered after, in declaration order. */
  public final List<WorkflowStep> upstream() {
    return Collections.unmodifiableList(after);
  }

  final void freeze() {
    frozen = true;
  }

  @Override
  public final boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WorkflowStep other)) {
      return false;
    }
    if (!id.equals(other.id) || !slug.equals(other.slug) || version != other.version
        || !Objects.equals(callName, other.callName)
        || !inputNames.equals(other.inputNames) || !outputNames.equals(other.outputNames)
        || inputs.length != other.inputs.length || after.size() != other.after.size()
        || !options.equals(other.options) || !extrasEqual(other)) {
      return false;
    }
    for (int i = 0; i < inputs.length; i++) {
      if (!inputs[i].id().equals(other.inputs[i].id())) {
        return false;
      }
    }
    for (int i = 0; i < after.size(); i++) {
      if (!after.get(i).id.equals(other.after.get(i).id)) {
        return false;
      }
    }
    return Arrays.equals(outputs, other.outputs);
  }

  /** Whether the parts subclasses add (control-flow children) are equal; true by default. */
  boolean extrasEqual(WorkflowStep other) {
    return !(other instanceof FlowStep);
  }

  @Override
  public final int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "WorkflowStep[" + slug + "@" + version + (callName == null ? "" : " '" + callName + "'")
        + ", " + id + "]";
  }
}
