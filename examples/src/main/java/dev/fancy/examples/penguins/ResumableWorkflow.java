package dev.fancy.examples.penguins;

import dev.fancy.annotations.WorkflowDefinition;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;

/**
 * Wires {@code penguins.train_resumable}: load → split → train for many epochs in one step that
 * checkpoints every epoch ({@link ResumableTraining}). Killed in the middle of training and run
 * again with {@code fancy run ... --resume}, it continues from its last checkpoint.
 *
 * <pre>
 * data ─ load ─ split(testFraction, seed) ─ train_epochs(learningRate, epochs, seed, pauseMillis)
 * </pre>
 */
public final class ResumableWorkflow {
  /** The workflow's name, as the CLI and the journal's labels use it. */
  public static final String NAME = "penguins.train_resumable";

  private ResumableWorkflow() {}

  /** The workflow; its output is the trained {@link ResumableTraining.Model}. */
  @WorkflowDefinition(name = NAME)
  public static Workflow workflow() {
    Cell<Path> data = Cell.input("data", Path.class);
    Cell<Double> testFraction = Cell.input("testFraction", Double.class);
    Cell<Long> seed = Cell.input("seed", Long.class);
    Cell<Double> learningRate = Cell.input("learningRate", Double.class);
    Cell<Integer> epochs = Cell.input("epochs", Integer.class);
    Cell<Long> pauseMillis = Cell.input("pauseMillis", Long.class);
    PenguinStepsSteps.LoadStep load = PenguinStepsSteps.load(data);
    PenguinStepsSteps.SplitStep split = PenguinStepsSteps.split(load.out(), testFraction, seed);
    ResumableTrainingSteps.TrainStep train = ResumableTrainingSteps.train(split.train(),
        split.test(), learningRate, epochs, seed, pauseMillis);
    return Workflow.of(NAME, train.parametersSha256(), train.resumedAfterEpoch(),
        train.accuracy(), train.weights(), train.epochs());
  }
}
