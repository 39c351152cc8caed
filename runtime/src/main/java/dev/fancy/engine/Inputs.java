package dev.fancy.engine;

import dev.fancy.workflow.Cell;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The values of a run's inputs, bound by their cells so javac checks each value's type:
 * {@code Inputs.of(csv, Path.of("weather.csv")).and(threshold, 0.8)}. Immutable; {@code and}
 * returns a new instance. JSON and HTTP callers, which have names rather than cells, pass a map by
 * input alias instead ({@link #asMap()} is that map).
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

  /** The values by input alias (values may be null). */
  public Map<String, Object> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return "Inputs" + values;
  }
}
