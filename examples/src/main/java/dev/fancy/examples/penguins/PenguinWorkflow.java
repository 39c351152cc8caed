package dev.fancy.examples.penguins;

import dev.fancy.annotations.WorkflowDefinition;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;

/**
 * Wires {@code penguins.train}: load → split → train → accuracy.
 *
 * <pre>
 * data ─ load ─ split(testFraction, seed) ─┬─ train(model, learningRate, epochs, seed) ─┐
 *                                          └────────────── test ──────────────────────┴─ accuracy
 * </pre>
 */
public final class PenguinWorkflow {
  /** The workflow's name, as the CLI and the journal's labels use it. */
  public static final String NAME = "penguins.train";

  private PenguinWorkflow() {}

  /**
   * The workflow; its output {@code accuracy} is a share in [0, 1]. A {@code @WorkflowDefinition},
   * so {@code fancy run penguins.train} finds it by name.
   */
  @WorkflowDefinition(name = NAME)
  public static Workflow workflow() {
    Cell<Path> data = Cell.input("data", Path.class);
    Cell<Double> testFraction = Cell.input("testFraction", Double.class);
    Cell<Long> seed = Cell.input("seed", Long.class);
    Cell<String> model = Cell.input("model", String.class);
    Cell<Double> learningRate = Cell.input("learningRate", Double.class);
    Cell<Integer> epochs = Cell.input("epochs", Integer.class);
    PenguinStepsSteps.LoadStep load = PenguinStepsSteps.load(data);
    PenguinStepsSteps.SplitStep split = PenguinStepsSteps.split(load.out(), testFraction, seed);
    PenguinStepsSteps.TrainStep train = PenguinStepsSteps.train(split.train(), split.test(),
        model, learningRate, epochs, seed);
    PenguinStepsSteps.AccuracyStep accuracy = PenguinStepsSteps.accuracy(split.test(),
        train.out());
    return Workflow.of(NAME, accuracy.out());
  }
}
