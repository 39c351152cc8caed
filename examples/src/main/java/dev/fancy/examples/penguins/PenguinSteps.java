package dev.fancy.examples.penguins;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fancy.annotations.Step;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.LabelObjective;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Species classification on the Palmer penguins: load, split, train a linear classifier with
 * Tribuo (logistic regression or a linear SVM, fitted by AdaGrad), evaluate accuracy on the
 * held-out rows. The hyperparameter sweep in {@code examples/penguins/sweep.yaml} runs these.
 */
public final class PenguinSteps {
  private static final String[] FEATURES = {"beakLength", "beakDepth", "flipperLength",
      "bodyMass"};
  /** Tribuo logs each training at INFO through java.util.logging; a sweep does not need it. */
  private static final Logger TRIBUO = Logger.getLogger("org.tribuo");

  static {
    TRIBUO.setLevel(Level.WARNING);
  }

  private PenguinSteps() {}

  /**
   * Reads {@code penguins.json} and keeps the rows whose four measurements are present.
   *
   * @throws IOException if the file cannot be read or is not the penguins' JSON
   */
  @Step(slug = "penguins.load")
  public static List<Penguin> load(Path file) throws IOException {
    List<Penguin> all = JsonMapper.builder().build().readValue(file.toFile(),
        new TypeReference<List<Penguin>>() {});
    return all.stream().filter(Penguin::measured).toList();
  }

  /**
   * Shuffles the rows with {@code seed} and holds out {@code testFraction} of them.
   *
   * @throws IllegalArgumentException unless {@code 0 < testFraction < 1}
   */
  @Step(slug = "penguins.split")
  public static Split split(List<Penguin> rows, double testFraction, long seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("testFraction must be in (0, 1), not " + testFraction);
    }
    List<Penguin> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(seed));
    int test = (int) Math.round(shuffled.size() * testFraction);
    return new Split(List.copyOf(shuffled.subList(test, shuffled.size())),
        List.copyOf(shuffled.subList(0, test)));
  }

  /**
   * Trains a linear classifier on {@code train} (features standardized with the training rows'
   * means and standard deviations) and predicts the species of each {@code test} row.
   *
   * @param model {@code logistic} (multinomial logistic regression) or {@code hinge} (a linear
   *     SVM)
   * @param learningRate AdaGrad's initial learning rate
   * @param epochs passes over the training rows
   * @param seed the trainer's seed (shuffling of examples)
   * @return the predicted species of each test row, in order
   * @throws IllegalArgumentException for an unknown model
   */
  @Step(slug = "penguins.train")
  public static List<String> train(List<Penguin> train, List<Penguin> test, String model,
      double learningRate, int epochs, long seed) {
    LabelObjective objective = switch (model) {
      case "logistic" -> new LogMulticlass();
      case "hinge" -> new Hinge();
      default -> throw new IllegalArgumentException("model must be logistic or hinge, not '"
          + model + "'");
    };
    double[][] scale = scale(train);
    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> data = new MutableDataset<>(
        new SimpleDataSourceProvenance("penguins (training split)", labels), labels);
    for (Penguin penguin : train) {
      data.add(example(penguin, scale));
    }
    LinearSGDTrainer trainer = new LinearSGDTrainer(objective, new AdaGrad(learningRate),
        epochs, Integer.MAX_VALUE, 1, seed);
    Model<Label> fitted = trainer.train(data);
    List<String> predicted = new ArrayList<>(test.size());
    for (Penguin penguin : test) {
      predicted.add(fitted.predict(example(penguin, scale)).getOutput().getLabel());
    }
    return predicted;
  }

  /**
   * The share of {@code test} rows whose species is {@code predicted}.
   *
   * @throws IllegalArgumentException if the lists differ in length or are empty
   */
  @Step(slug = "penguins.accuracy")
  public static double accuracy(List<Penguin> test, List<String> predicted) {
    if (test.size() != predicted.size() || test.isEmpty()) {
      throw new IllegalArgumentException(test.size() + " test rows but " + predicted.size()
          + " predictions");
    }
    int correct = 0;
    for (int i = 0; i < test.size(); i++) {
      if (test.get(i).species().equals(predicted.get(i))) {
        correct++;
      }
    }
    return (double) correct / test.size();
  }

  /** Means (row 0) and standard deviations (row 1) of the features over {@code rows}. */
  private static double[][] scale(List<Penguin> rows) {
    double[][] scale = new double[2][FEATURES.length];
    for (Penguin penguin : rows) {
      double[] f = penguin.features();
      for (int i = 0; i < f.length; i++) {
        scale[0][i] += f[i] / rows.size();
      }
    }
    for (Penguin penguin : rows) {
      double[] f = penguin.features();
      for (int i = 0; i < f.length; i++) {
        scale[1][i] += (f[i] - scale[0][i]) * (f[i] - scale[0][i]) / rows.size();
      }
    }
    for (int i = 0; i < FEATURES.length; i++) {
      scale[1][i] = Math.sqrt(scale[1][i]);
      if (scale[1][i] == 0) {
        scale[1][i] = 1;
      }
    }
    return scale;
  }

  private static Example<Label> example(Penguin penguin, double[][] scale) {
    double[] f = penguin.features();
    for (int i = 0; i < f.length; i++) {
      f[i] = (f[i] - scale[0][i]) / scale[1][i];
    }
    return new ArrayExample<>(new Label(penguin.species()), FEATURES, f);
  }
}
