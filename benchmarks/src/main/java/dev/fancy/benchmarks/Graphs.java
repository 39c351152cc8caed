package dev.fancy.benchmarks;

import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Composite;
import dev.fancy.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;

/** The benchmark graphs, wired through the generated factories. */
final class Graphs {
  private Graphs() {}

  /** {@code x -> inc -> inc -> ... (length steps)}. */
  static Workflow chain(int length) {
    Cell<Integer> cell = Cell.input("x", Integer.class);
    for (int i = 0; i < length; i++) {
      cell = TrivialStepsSteps.inc(cell).out();
    }
    return Workflow.of("chain-" + length, cell);
  }

  /**
   * {@code x -> inc (root) -> width parallel inc steps -> one join} (the built-in composite group,
   * a step with {@code width} inputs): {@code width + 2} steps.
   */
  static Workflow fanOut(int width) {
    Cell<Integer> root = TrivialStepsSteps.inc(Cell.input("x", Integer.class)).out();
    Map<String, Cell<Integer>> branches = new LinkedHashMap<>();
    for (int i = 0; i < width; i++) {
      branches.put("b" + i, TrivialStepsSteps.inc(root).out());
    }
    return Workflow.of("fan-out-" + width, Composite.group(branches).out());
  }
}
