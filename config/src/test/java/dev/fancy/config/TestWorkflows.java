package dev.fancy.config;

import dev.fancy.value.TypeRef;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

/** A workflow whose inputs are of the types configs must bind. */
final class TestWorkflows {
  private TestWorkflows() {}

  /** A point of a record-typed input. */
  public record Point(double x, double y) {}

  static final Cell<Double> LR = Cell.input("lr", Double.class);
  static final Cell<Integer> EPOCHS = Cell.input("epochs", int.class);
  static final Cell<String> MODEL = Cell.input("model", String.class);
  static final Cell<Path> DATA = Cell.input("data", Path.class);
  static final Cell<BigDecimal> BUDGET = Cell.input("budget", BigDecimal.class);
  static final Cell<List<Double>> WEIGHTS = Cell.input("weights",
      new TypeRef<List<Double>>() {});
  static final Cell<Point> ORIGIN = Cell.input("origin", Point.class);

  /** Inputs lr, epochs, model, data, budget, weights, origin. */
  static Workflow training() {
    return Workflow.of("training", LR, EPOCHS, MODEL, DATA, BUDGET, WEIGHTS, ORIGIN);
  }

  /** Inputs lr, epochs, model. */
  static Workflow small() {
    return Workflow.of("small", LR, EPOCHS, MODEL);
  }
}
