package dev.fancy.workflow;

import dev.fancy.registry.StepRegistry;
import dev.fancy.value.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Built-in steps that group several cells into one {@link StorageKind#COMPOSITE} cell and split it
 * back into typed cells, so a workflow can pass a bundle of results as one datum (for example to a
 * sub-workflow) and unpack it later. The steps' code is registered by every {@code StepRegistry}.
 *
 * <pre>{@code
 * Composite.Group bundle = Composite.group(Map.of("train", split.train(), "test", split.test()));
 * Composite.Ungroup parts = Composite.ungroup(bundle.out());
 * Cell<Table> train = parts.member(split.train());
 * }</pre>
 */
public final class Composite {

  /** Slug of the grouping step. */
  public static final String GROUP_SLUG = "fancy.composite.group";
  /** Slug of the ungrouping step. */
  public static final String UNGROUP_SLUG = "fancy.composite.ungroup";
  /** Version of both built-in steps. */
  public static final int VERSION = 1;
  /** Name of the ungrouping step's single input. */
  public static final String UNGROUP_INPUT = "composite";
  /** Type of composite cells. */
  public static final ValueType<CompositeValue> TYPE = ValueType.of(CompositeValue.class);

  private Composite() {}

  /**
   * Groups cells into one composite cell; members are ordered by name.
   *
   * @param members member name (a Java identifier) to cell; at least one
   * @throws IllegalArgumentException if there are no members or a name is not an identifier
   */
  public static Group group(Map<String, ? extends Cell<?>> members) {
    Objects.requireNonNull(members, "members == null");
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a composite needs at least one member");
    }
    TreeMap<String, Cell<?>> sorted = new TreeMap<>(members);
    for (String name : sorted.keySet()) {
      if (!Port.isIdentifier(name)) {
        throw new IllegalArgumentException("member name '" + name + "' is not a Java identifier");
      }
    }
    return new Group(new ArrayList<>(sorted.keySet()), new ArrayList<>(sorted.values()));
  }

  /**
   * Splits a composite cell made by {@link #group} in the same workflow into one cell per member,
   * typed as the grouped cells were.
   *
   * @throws IllegalArgumentException if the cell was not produced by a grouping step; use
   *     {@link #ungroup(Cell, Map)} to name the members and their types then
   */
  public static Ungroup ungroup(Cell<CompositeValue> composite) {
    Objects.requireNonNull(composite, "composite == null");
    WorkflowStep producer = composite.producer();
    if (producer == null || !producer.slug().equals(GROUP_SLUG)) {
      throw new IllegalArgumentException("cell '" + composite.alias() + "' was not made by "
          + "Composite.group, so its members are unknown; call ungroup(cell, members) with "
          + "member names and types");
    }
    Map<String, ValueType<?>> members = new TreeMap<>();
    for (int i = 0; i < producer.inputNames().size(); i++) {
      members.put(producer.inputNames().get(i), producer.inputCells().get(i).type());
    }
    return ungroup(composite, members);
  }

  /**
   * Splits a composite cell into the named members; at run time each member must be present and
   * of the given type, or the ungrouping step fails naming it.
   *
   * @param members member name to type; at least one
   * @throws IllegalArgumentException if there are no members or a name is not an identifier
   */
  public static Ungroup ungroup(Cell<CompositeValue> composite, Map<String, ValueType<?>> members) {
    Objects.requireNonNull(composite, "composite == null");
    if (members.isEmpty()) {
      throw new IllegalArgumentException("ungroup needs at least one member");
    }
    List<WorkflowStep.OutputSpec> outputs = new ArrayList<>();
    for (Map.Entry<String, ValueType<?>> member : new TreeMap<>(members).entrySet()) {
      if (!Port.isIdentifier(member.getKey())) {
        throw new IllegalArgumentException(
            "member name '" + member.getKey() + "' is not a Java identifier");
      }
      outputs.add(new WorkflowStep.OutputSpec(null, member.getKey(), null,
          StorageKind.VALUE, member.getValue()));
    }
    return new Ungroup(composite, outputs);
  }

  /** The grouping step; {@link #out()} is the composite cell. */
  public static final class Group extends WorkflowStep {
    Group(List<String> names, List<Cell<?>> cells) {
      super(null, GROUP_SLUG, VERSION, names, cells, List.of(new OutputSpec(
          null, "out", null, StorageKind.COMPOSITE, TYPE)));
    }

    /** The composite cell holding every member. */
    public Cell<CompositeValue> out() {
      return typedOutput(0);
    }
  }

  /** The ungrouping step; one output per member. */
  public static final class Ungroup extends WorkflowStep {
    private final Cell<CompositeValue> composite;

    Ungroup(Cell<CompositeValue> composite, List<OutputSpec> outputs) {
      super(null, UNGROUP_SLUG, VERSION, List.of(UNGROUP_INPUT), List.of(composite),
          outputs);
      this.composite = composite;
    }

    /**
     * The member cell that carries {@code original}'s value, typed like it.
     *
     * @throws IllegalArgumentException if {@code original} was not grouped into this composite
     */
    @SuppressWarnings("unchecked")
    public <T> Cell<T> member(Cell<T> original) {
      WorkflowStep group = composite.producer();
      int index = group == null ? -1 : group.inputCells().indexOf(original);
      if (index < 0) {
        throw new IllegalArgumentException(
            "cell '" + original.alias() + "' is not a member of composite '" + composite.alias() + "'");
      }
      return (Cell<T>) outputCell(group.inputNames().get(index));
    }

    /**
     * The member cell named {@code name}, checked to be of {@code type}.
     *
     * @throws IllegalArgumentException if there is no such member or its type differs
     */
    @SuppressWarnings("unchecked")
    public <T> Cell<T> member(String name, ValueType<T> type) {
      Cell<?> cell = outputCell(name);
      if (!cell.type().equals(type)) {
        throw new IllegalArgumentException("member '" + name + "' is a " + cell.type().name()
            + ", not a " + type.name());
      }
      return (Cell<T>) cell;
    }
  }
}
