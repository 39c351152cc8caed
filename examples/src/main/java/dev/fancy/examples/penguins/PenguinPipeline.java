package dev.fancy.examples.penguins;

import dev.fancy.annotations.WorkflowDefinition;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;

/**
 * The four stages of the penguins pipeline, each a workflow of its own that
 * {@code fancy workflow sequential} runs in turn; they share files named by inputs
 * ({@code splitFile}, {@code predictionsFile}, {@code metricsFile}, {@code reportFile}). Each
 * is a {@code @WorkflowDefinition}, so {@code fancy run penguins.fit} finds it by name.
 */
public final class PenguinPipeline {
  private PenguinPipeline() {}

  /** {@code penguins.preprocess}: data → cleaned, split rows in {@code splitFile}. */
  @WorkflowDefinition(name = "penguins.preprocess")
  public static Workflow preprocess() {
    Cell<Path> data = Cell.input("data", Path.class);
    Cell<Double> testFraction = Cell.input("testFraction", Double.class);
    Cell<Long> seed = Cell.input("seed", Long.class);
    Cell<Path> splitFile = Cell.input("splitFile", Path.class);
    PenguinStepsSteps.SplitStep split = PenguinStepsSteps.split(
        PenguinStepsSteps.load(data).out(), testFraction, seed);
    return Workflow.of("penguins.preprocess",
        PipelineStepsSteps.saveSplit(split.train(), split.test(), splitFile).out());
  }

  /** {@code penguins.fit}: {@code splitFile} → predictions of the test rows. */
  @WorkflowDefinition(name = "penguins.fit")
  public static Workflow fit() {
    Cell<Path> splitFile = Cell.input("splitFile", Path.class);
    Cell<String> model = Cell.input("model", String.class);
    Cell<Double> learningRate = Cell.input("learningRate", Double.class);
    Cell<Integer> epochs = Cell.input("epochs", Integer.class);
    Cell<Long> seed = Cell.input("seed", Long.class);
    Cell<Path> predictionsFile = Cell.input("predictionsFile", Path.class);
    PipelineStepsSteps.ReadSplitStep split = PipelineStepsSteps.readSplit(splitFile);
    PenguinStepsSteps.TrainStep train = PenguinStepsSteps.train(split.train(), split.test(),
        model, learningRate, epochs, seed);
    return Workflow.of("penguins.fit",
        PipelineStepsSteps.savePredictions(train.out(), predictionsFile).out());
  }

  /** {@code penguins.evaluate}: split and predictions → accuracy in {@code metricsFile}. */
  @WorkflowDefinition(name = "penguins.evaluate")
  public static Workflow evaluate() {
    Cell<Path> splitFile = Cell.input("splitFile", Path.class);
    Cell<Path> predictionsFile = Cell.input("predictionsFile", Path.class);
    Cell<Path> metricsFile = Cell.input("metricsFile", Path.class);
    return Workflow.of("penguins.evaluate",
        PipelineStepsSteps.evaluate(splitFile, predictionsFile, metricsFile).out());
  }

  /** {@code penguins.report}: metrics → a Markdown report in {@code reportFile}. */
  @WorkflowDefinition(name = "penguins.report")
  public static Workflow report() {
    Cell<Path> metricsFile = Cell.input("metricsFile", Path.class);
    Cell<Path> reportFile = Cell.input("reportFile", Path.class);
    return Workflow.of("penguins.report",
        PipelineStepsSteps.report(metricsFile, reportFile).out());
  }
}
