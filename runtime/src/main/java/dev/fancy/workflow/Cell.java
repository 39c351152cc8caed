package dev.fancy.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.run.RunResult;
import dev.fancy.value.TypeRef;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueType;
import java.lang.reflect.Modifier;
import java.util.Objects;
import java.util.UUID;

/**
 * A typed handle to one datum of a workflow: a workflow input, a constant, or an output of a
 * workflow step. A cell holds no value itself; a run stores its value in a datum store and
 * {@code RunResult.get(cell)} reads it back.
 *
 * <p>Cells are compared by content: ID, alias, storage kind, type, role, constant value and
 * producing step ID. The ID is derived from the wiring, so the same wiring code gives the same
 * cells in every process (docs/semantics.md, "Cell and step IDs"): an input's from its alias and
 * type, a constant's from its alias, type and value, an output's from its step's ID and its
 * position. Cells are immutable, except that naming a step ({@link WorkflowStep#named}) before
 * its outputs are wired gives them the IDs of the named step.
 *
 * @param <T> the Java type of the value (boxed for primitives)
 */
public final class Cell<T> implements Arg<T>, WorkflowElement {

  /** How a cell gets its value. */
  public enum Role {
    /** Bound by name when a run starts. */
    INPUT,
    /** A value written into the workflow itself (kept as JSON). */
    CONSTANT,
    /** Produced by a workflow step. */
    OUTPUT
  }

  private volatile UUID id;
  /** Whether a step or control-flow step has been wired to read this cell. */
  private volatile boolean wired;
  private final String alias;
  private final StorageKind kind;
  private final ValueType<T> type;
  private final Role role;
  private final JsonNode constant;
  private final WorkflowStep producer;
  private final int outputIndex;

  private Cell(UUID id, String alias, StorageKind kind, ValueType<T> type, Role role,
      JsonNode constant, WorkflowStep producer, int outputIndex) {
    this.id = id;
    this.alias = alias;
    this.kind = kind;
    this.type = type;
    this.role = role;
    this.constant = constant;
    this.producer = producer;
    this.outputIndex = outputIndex;
  }

  /**
   * A workflow input named {@code alias} of a non-generic class; runs bind its value by that
   * name.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code alias} is blank, or {@code type} is generic (use
   *     {@link #input(String, TypeRef)})
   */
  public static <T> Cell<T> input(String alias, Class<T> type) {
    return input(alias, ValueType.of(type));
  }

  /**
   * A workflow input of a generic type, spelled with a type token:
   * {@code Cell.input("rows", new TypeRef<List<Row>>() {})}.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code alias} is blank
   */
  public static <T> Cell<T> input(String alias, TypeRef<T> type) {
    return input(alias, ValueType.of(type));
  }

  /**
   * A workflow input of a value type.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code alias} is blank
   */
  public static <T> Cell<T> input(String alias, ValueType<T> type) {
    Cell<T> cell = parameter(alias, type);
    FlowScope.noteInput(cell);
    return cell;
  }

  /** An input cell that a control-flow body receives (not noted as made by the body). */
  static <T> Cell<T> parameter(String alias, ValueType<T> type) {
    requireAlias(alias);
    Objects.requireNonNull(type, "type == null");
    UUID id = ContentId.of("input").add(alias).add(type.name()).id();
    return new Cell<>(id, alias, StorageKind.VALUE, type, Role.INPUT, null, null, -1);
  }

  /**
   * A constant: the value is converted to JSON now and becomes part of the workflow, so the
   * workflow's JSON carries it; each run reads it back as {@code type}.
   *
   * @param alias a label for the constant, usually the parameter it feeds
   * @throws dev.fancy.value.ValueCodecException if the value cannot be serialized to JSON
   * @throws IllegalArgumentException if {@code value} is itself a cell, does not fit
   *     {@code type}, or holds a {@link dev.fancy.value.Blob} (its bytes cannot travel in the
   *     workflow's JSON: make it an input)
   */
  public static <T> Cell<T> constant(String alias, ValueType<T> type, T value) {
    Objects.requireNonNull(type, "type == null");
    if (value instanceof Cell<?>) {
      throw new IllegalArgumentException("constant '" + alias + "' is a Cell; pass the cell to the "
          + "step's factory directly instead of wrapping it as a constant");
    }
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException("constant '" + alias + "' must be a " + type.name()
          + " but is " + (value == null ? "null" : value.getClass().getName()));
    }
    requireAlias(alias);
    JsonNode tree = ValueCodec.defaults().toTree(value);
    if (tree != null && tree.findValues("uri").stream().anyMatch(uri -> uri.isTextual()
        && uri.asText().startsWith("fancy:blob:"))) {
      throw new IllegalArgumentException("constant '" + alias + "' holds a Blob, whose bytes "
          + "cannot travel inside the workflow's JSON; make it a workflow input "
          + "(Cell.input) and pass the blob when the run starts");
    }
    JsonNode json = WorkflowJson.canonical(tree);
    UUID id = ContentId.of("constant").add(alias).add(type.name()).add(json).id();
    return new Cell<>(id, alias, StorageKind.VALUE, type, Role.CONSTANT, json, null, -1);
  }

  /**
   * A constant whose type is the value's class, e.g. {@code Cell.constant(0.8)} is a
   * {@code Cell<Double>} labelled {@code const}. For a generic value (a list, a map) the class
   * does not say the type: use {@link #constant(TypeRef, Object)}, or {@code Arg.value(...)} in a
   * step factory, which takes the parameter's type.
   *
   * @throws NullPointerException if {@code value} is null (use a typed overload for nulls)
   * @throws IllegalArgumentException if the value's class is generic or not public, so its type
   *     cannot be known from it
   * @throws dev.fancy.value.ValueCodecException if the value cannot be serialized to JSON
   */
  @SuppressWarnings("unchecked")
  public static <T> Cell<T> constant(T value) {
    Objects.requireNonNull(value, "value == null");
    if (value instanceof Cell<?>) {
      throw new IllegalArgumentException("constant '" + ((Cell<?>) value).alias() + "' is a "
          + "Cell; pass the cell to the step's factory directly instead of wrapping it as a "
          + "constant");
    }
    Class<T> type = (Class<T>) value.getClass();
    if (type.getTypeParameters().length > 0 || !Modifier.isPublic(type.getModifiers())
        || type.isAnonymousClass() || type.isSynthetic()) {
      throw new IllegalArgumentException("the type of constant " + abbreviate(value)
          + " cannot be known from its class " + type.getName() + " (it is generic or not "
          + "public): spell it with Cell.constant(new TypeRef<...>() {}, value), or pass "
          + "Arg.value(value) to a step factory, which gives it the parameter's type");
    }
    return constant("const", ValueType.of(type), value);
  }

  /**
   * A constant of a type spelled with a type token:
   * {@code Cell.constant(new TypeRef<List<Integer>>() {}, List.of(1, 2))}.
   *
   * @throws IllegalArgumentException if {@code value} is a cell or does not fit the type
   * @throws dev.fancy.value.ValueCodecException if the value cannot be serialized to JSON
   */
  public static <T> Cell<T> constant(TypeRef<T> type, T value) {
    return constant("const", ValueType.of(type), value);
  }

  private static String abbreviate(Object value) {
    String text = String.valueOf(value);
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }

  static <T> Cell<T> read(UUID id, String alias, StorageKind kind, ValueType<T> type, Role role,
      JsonNode constant) {
    return new Cell<>(id, requireAlias(alias), kind, type, role, constant, null, -1);
  }

  static Cell<?> output(UUID id, String alias, StorageKind kind, ValueType<?> type,
      WorkflowStep producer, int index) {
    return new Cell<>(id, alias, kind, type, Role.OUTPUT, null, producer, index);
  }

  /** Notes that a step reads this cell; its producer can no longer be named. */
  void wire() {
    wired = true;
  }

  boolean wired() {
    return wired;
  }

  /** Gives this output the ID derived from its renamed producer ({@link WorkflowStep#named}). */
  void reidentify(UUID id) {
    this.id = id;
  }

  private static String requireAlias(String alias) {
    Objects.requireNonNull(alias, "alias == null");
    if (alias.isBlank()) {
      throw new IllegalArgumentException("a cell alias must not be blank");
    }
    return alias;
  }

  /**
   * The cell's ID, unique within its workflow and derived from the wiring (see the class
   * documentation); a cell read from workflow JSON keeps the ID the JSON stores.
   */
  public UUID id() {
    return id;
  }

  /**
   * A human-readable label: the input's name, the constant's label, or
   * {@code <step name>.<output name>} for a step output by default.
   */
  public String alias() {
    if (alias != null) {
      return alias;
    }
    return producer.name() + "." + producer.outputNames().get(outputIndex);
  }

  /** Where the value is stored. */
  public StorageKind kind() {
    return kind;
  }

  /** The value's Java type. */
  public ValueType<T> type() {
    return type;
  }

  /** How the cell gets its value. */
  public Role role() {
    return role;
  }

  /**
   * The constant's value as JSON.
   *
   * @throws IllegalStateException if this is not a {@link Role#CONSTANT} cell
   */
  public JsonNode constantValue() {
    if (role != Role.CONSTANT) {
      throw new IllegalStateException("cell '" + alias() + "' is a " + role + ", not a constant");
    }
    return constant.deepCopy();
  }

  JsonNode constantTree() {
    return constant;
  }

  /** The workflow step that produces this cell, or null for inputs and constants. */
  public WorkflowStep producer() {
    return producer;
  }

  /** This cell's position among its producer's outputs, or -1 for inputs and constants. */
  public int outputIndex() {
    return outputIndex;
  }

  /** The producer's output name of this cell, or null for inputs and constants. */
  public String outputName() {
    return producer == null ? null : producer.outputNames().get(outputIndex);
  }

  /**
   * Why this cell cannot be wired into a port of type {@code target}, or null if it can
   * ({@link ValueType#accepts}); an unresolvable type is a problem too.
   */
  public String assignmentProblem(ValueType<?> target) {
    try {
      return target.accepts(type) ? null : "expects " + target.name() + " but cell '" + alias()
          + "' (" + id + ") is a " + type.name();
    } catch (dev.fancy.value.ValueCodecException e) {
      return e.getMessage();
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Cell<?> other)) {
      return false;
    }
    return id.equals(other.id) && alias().equals(other.alias()) && kind == other.kind
        && type.equals(other.type) && role == other.role && outputIndex == other.outputIndex
        && Objects.equals(constant, other.constant)
        && Objects.equals(producerId(), other.producerId());
  }

  private UUID producerId() {
    return producer == null ? null : producer.id();
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "Cell[" + alias() + ": " + type.name() + ", " + kind + ", " + id + "]";
  }
}
