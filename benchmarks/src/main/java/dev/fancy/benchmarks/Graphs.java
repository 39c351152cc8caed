package dev.fancy.benchmarks;

import dev.fancy.value.TypeRef;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Composite;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark graphs, wired through the generated factories. */
final class Graphs {
  private Graphs() {}

  /** {@code x -> inc -> inc -> ... (length steps)}. */
  static Workflow chain(int length) {
    return chain(length, StepOptions.DEFAULT);
  }

  /** A chain whose every step has {@code options}. */
  static Workflow chain(int length, StepOptions options) {
    Cell<Integer> cell = Cell.input("x", Integer.class);
    for (int i = 0; i < length; i++) {
      cell = TrivialStepsSteps.inc(cell).options(options).out();
    }
    return Workflow.of("chain-" + length, cell);
  }

  /** {@code width} independent chains of {@code length} {@code inc} steps from one input. */
  static Workflow parallelChains(int width, int length) {
    Cell<Integer> x = Cell.input("x", Integer.class);
    List<Cell<Integer>> ends = new java.util.ArrayList<>();
    for (int w = 0; w < width; w++) {
      Cell<Integer> cell = x;
      for (int i = 0; i < length; i++) {
        // the chains are identical calls: the first step of each is named, so each is its own
        cell = (i == 0 ? TrivialStepsSteps.inc(cell).named("chain" + w)
            : TrivialStepsSteps.inc(cell)).out();
      }
      ends.add(cell);
    }
    return Workflow.of("parallel-" + width + "x" + length, ends);
  }

  /** A map of {@code inc} over the list input {@code items}, two elements at a time. */
  static Workflow map() {
    Cell<List<Integer>> items = Cell.input("items", new TypeRef<List<Integer>>() {});
    return Workflow.of("map", Flow.map(items, 2, item -> TrivialStepsSteps.inc(item).out()));
  }

  /**
   * A map of {@code bench.rows} over the list of tables {@code tables}, two at a time, every
   * child's step with {@code options}.
   */
  static Workflow mapTables(StepOptions options) {
    Cell<List<List<TrivialSteps.Row>>> tables =
        Cell.input("tables", new TypeRef<List<List<TrivialSteps.Row>>>() {});
    return Workflow.of("map-tables", Flow.map(tables, 2,
        table -> TrivialStepsSteps.rows(table).options(options).out()));
  }

  /**
   * {@code x -> inc (root) -> width parallel inc steps -> one join} (the built-in composite group,
   * a step with {@code width} inputs): {@code width + 2} steps.
   */
  static Workflow fanOut(int width) {
    Cell<Integer> root = TrivialStepsSteps.inc(Cell.input("x", Integer.class)).out();
    Map<String, Cell<Integer>> branches = new LinkedHashMap<>();
    for (int i = 0; i < width; i++) {
      // identical calls of inc, each named so that each is a step of its own
      branches.put("b" + i, TrivialStepsSteps.inc(root).named("b" + i).out());
    }
    return Workflow.of("fan-out-" + width, Composite.group(branches).out());
  }
}
