package dev.fancy.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The values of a run's inputs, bound by their cells so javac checks each value's type:
 * {@code Inputs.of(csv, Path.of("weather.csv")).and(threshold, 0.8)}. Immutable; {@code and}
 * returns a new instance. JSON and HTTP callers, which have names rather than cells, read inputs
 * with {@link #fromJson}, which converts and checks each value against its cell's type.
 */
public final class Inputs {

  private static final Inputs NONE = new Inputs(Map.of(), Map.of());

  private final Map<String, Object> values;
  private final Map<String, Cell<?>> cells;

  private Inputs(Map<String, Object> values, Map<String, Cell<?>> cells) {
    this.values = values;
    this.cells = cells;
  }

  /** No inputs, for workflows without any. */
  public static Inputs none() {
    return NONE;
  }

  /**
   * The value of one input.
   *
   * @throws IllegalArgumentException if {@code input} is not a workflow input cell
   */
  public static <T> Inputs of(Cell<T> input, T value) {
    return NONE.and(input, value);
  }

  /**
   * These inputs and the value of one more.
   *
   * @param value the value; null for a nullable input
   * @throws IllegalArgumentException if {@code input} is not a workflow input cell, or another
   *     input cell of the same alias is bound
   */
  public <T> Inputs and(Cell<T> input, T value) {
    Objects.requireNonNull(input, "input == null");
    if (input.role() != Cell.Role.INPUT) {
      throw new IllegalArgumentException("cell '" + input.alias() + "' is a " + input.role()
          + " cell, not a workflow input; bind only cells made with Cell.input");
    }
    Cell<?> bound = cells.get(input.alias());
    if (bound != null && !bound.equals(input)) {
      throw new IllegalArgumentException("another input cell named '" + input.alias()
          + "' is bound already");
    }
    Map<String, Object> moreValues = new LinkedHashMap<>(values);
    moreValues.put(input.alias(), value);
    Map<String, Cell<?>> moreCells = new LinkedHashMap<>(cells);
    moreCells.put(input.alias(), input);
    return new Inputs(Collections.unmodifiableMap(moreValues),
        Collections.unmodifiableMap(moreCells));
  }

  /**
   * Reads inputs from JSON, converting each value to its input cell's type with {@code codec}.
   *
   * @param json an object of input alias to value (null or missing for no inputs)
   * @throws WorkflowValidationException naming each unknown input, missing input (a missing
   *     value binds null only for a nullable input; none is nullable unless its type says so) and
   *     value that does not convert, with both types
   */
  public static Inputs fromJson(Workflow workflow, JsonNode json, ValueCodec codec) {
    Objects.requireNonNull(workflow, "workflow == null");
    Objects.requireNonNull(codec, "codec == null");
    List<String> problems = new ArrayList<>();
    if (json != null && !json.isNull() && !json.isObject()) {
      throw new WorkflowValidationException("the inputs of workflow '" + workflow.name() + "'",
          List.of("inputs must be a JSON object of input name to value, not "
              + json.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
    }
    Map<String, Cell<?>> byAlias = new LinkedHashMap<>();
    for (Cell<?> input : workflow.inputs()) {
      byAlias.put(input.alias(), input);
    }
    if (json != null) {
      json.fieldNames().forEachRemaining(name -> {
        if (!byAlias.containsKey(name)) {
          problems.add("'" + name + "' is not an input of workflow '" + workflow.name()
              + "'; its inputs are " + List.copyOf(byAlias.keySet()));
        }
      });
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Cell<?> input : byAlias.values()) {
      JsonNode value = json == null ? null : json.get(input.alias());
      if (value == null) {
        problems.add("workflow input '" + input.alias() + "' (" + input.type().name()
            + ") has no value; give it a value (null only for a nullable input)");
        continue;
      }
      try {
        values.put(input.alias(), codec.fromTree(value, input.type()));
      } catch (RuntimeException e) {
        problems.add("workflow input '" + input.alias() + "' must be a " + input.type().name()
            + " but is " + value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
            + " " + abbreviate(value.toString()) + ", which does not convert: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new WorkflowValidationException("the inputs of a run of workflow '" + workflow.name()
          + "'", problems);
    }
    return new Inputs(Collections.unmodifiableMap(values),
        Collections.unmodifiableMap(byAlias));
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  /**
   * The value bound to {@code input}.
   *
   * @throws IllegalArgumentException if {@code input} is not bound here
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Cell<T> input) {
    Objects.requireNonNull(input, "input == null");
    Cell<?> bound = cells.get(input.alias());
    if (bound == null || !bound.id().equals(input.id())) {
      throw new IllegalArgumentException("input '" + input.alias() + "' is not bound in " + this);
    }
    return (T) values.get(input.alias());
  }

  /**
   * The values by input alias (values may be null): what engines bind to a workflow's inputs and
   * what the JSON boundary writes.
   */
  public Map<String, Object> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return "Inputs" + values;
  }
}
