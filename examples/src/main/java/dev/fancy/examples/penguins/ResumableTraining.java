package dev.fancy.examples.penguins;

import dev.fancy.annotations.Step;
import dev.fancy.frame.ExecutionFrame;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.rng.RestorableUniformRandomProvider;
import org.apache.commons.rng.core.RandomProviderDefaultState;
import org.apache.commons.rng.sampling.PermutationSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Training as one long step that checkpoints every epoch: multinomial logistic regression on the
 * penguins' four standardized measurements, fitted by plain stochastic gradient descent in an
 * explicit epoch loop (Tribuo's trainers cannot continue from saved state; the subject here is
 * the checkpoint). Each epoch visits the training rows in an order drawn from a seeded
 * xoroshiro128++ generator (Apache Commons RNG, whose state can be saved and restored, unlike
 * {@code java.util.Random}'s); after each epoch the step checkpoints the epoch, the parameters and
 * the generator's state. An attempt after a crash, a retry or a takeover starts from the latest
 * checkpoint, and because the generator continues where it stopped, it ends with parameters
 * bit-identical to an uninterrupted run.
 */
public final class ResumableTraining {

  /** The species, in the order of the parameters' rows. */
  static final List<String> SPECIES = List.of("Adelie", "Chinstrap", "Gentoo");
  private static final int FEATURES = 4;

  private ResumableTraining() {}

  /**
   * Where training stands after an epoch: what the next attempt continues from.
   *
   * @param epoch the epochs done, from 1
   * @param weights one row per species: a bias, then one weight per standardized feature
   * @param random the generator's saved state ({@code RandomProviderDefaultState.getState()})
   */
  public record TrainingState(int epoch, double[][] weights, byte[] random) {}

  /**
   * A trained model.
   *
   * @param epochs the epochs it was trained for
   * @param resumedAfterEpoch the epoch of the checkpoint the attempt that finished started from;
   *     0 if it started from the beginning
   * @param weights one row per species of {@link #SPECIES}: a bias, then one weight per
   *     standardized feature (beak length, beak depth, flipper length, body mass)
   * @param parametersSha256 SHA-256 of the weights' IEEE 754 bits, in order: equal exactly when
   *     the parameters are bit-identical
   * @param accuracy the share of held-out penguins whose species it predicts
   */
  public record Model(int epochs, int resumedAfterEpoch, double[][] weights,
      String parametersSha256, double accuracy) {}

  /**
   * Fits the model on {@code train} for {@code epochs} epochs of stochastic gradient descent at
   * {@code learningRate}, checkpointing after every epoch, and measures its accuracy on
   * {@code test}. Starts from the latest checkpoint if an earlier attempt left one.
   *
   * @param seed seeds the generator that orders the rows of each epoch
   * @param pauseMillis a pause after each epoch, in milliseconds, so that the demo (and its test)
   *     can kill the process in the middle of training; 0 in real use
   * @throws IllegalArgumentException if {@code epochs < 1}, {@code learningRate <= 0} or
   *     {@code pauseMillis < 0}
   * @throws InterruptedException if the run is cancelled during a pause
   */
  @Step(slug = "penguins.train_epochs")
  public static Model train(List<Penguin> train, List<Penguin> test, double learningRate,
      int epochs, long seed, long pauseMillis, ExecutionFrame frame) throws InterruptedException {
    if (epochs < 1 || !(learningRate > 0) || pauseMillis < 0) {
      throw new IllegalArgumentException("need epochs >= 1, learningRate > 0 and pauseMillis >= "
          + "0, not " + epochs + ", " + learningRate + " and " + pauseMillis);
    }
    double[][] scale = scale(train);
    double[][] x = new double[train.size()][];
    int[] y = new int[train.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = features(train.get(i), scale);
      y[i] = species(train.get(i));
    }
    RestorableUniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    TrainingState state = frame.lastCheckpoint(TrainingState.class).orElse(null);
    int resumedAfter = 0;
    double[][] weights = new double[SPECIES.size()][FEATURES + 1];
    if (state != null) {
      resumedAfter = state.epoch();
      weights = state.weights();
      random.restoreState(new RandomProviderDefaultState(state.random()));
      frame.log().info("resuming after epoch {} of {} from checkpoint", resumedAfter, epochs);
    }
    int[] order = new int[x.length];
    for (int epoch = resumedAfter + 1; epoch <= epochs; epoch++) {
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      PermutationSampler.shuffle(random, order);
      for (int row : order) {
        step(weights, x[row], y[row], learningRate);
      }
      frame.checkpoint(new TrainingState(epoch, weights,
          ((RandomProviderDefaultState) random.saveState()).getState()));
      if (pauseMillis > 0) {
        Thread.sleep(pauseMillis);
      }
    }
    int correct = 0;
    for (Penguin penguin : test) {
      if (predict(weights, features(penguin, scale)) == species(penguin)) {
        correct++;
      }
    }
    return new Model(epochs, resumedAfter, weights, sha256(weights),
        test.isEmpty() ? 0 : (double) correct / test.size());
  }

  /** One gradient step of the softmax cross-entropy loss on one row. */
  private static void step(double[][] weights, double[] x, int label, double learningRate) {
    double[] p = probabilities(weights, x);
    for (int k = 0; k < weights.length; k++) {
      double gradient = p[k] - (k == label ? 1 : 0);
      for (int j = 0; j < x.length; j++) {
        weights[k][j] -= learningRate * gradient * x[j];
      }
    }
  }

  private static double[] probabilities(double[][] weights, double[] x) {
    double[] scores = new double[weights.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < weights.length; k++) {
      for (int j = 0; j < x.length; j++) {
        scores[k] += weights[k][j] * x[j];
      }
      max = Math.max(max, scores[k]);
    }
    double sum = 0;
    for (int k = 0; k < scores.length; k++) {
      scores[k] = Math.exp(scores[k] - max);
      sum += scores[k];
    }
    for (int k = 0; k < scores.length; k++) {
      scores[k] /= sum;
    }
    return scores;
  }

  private static int predict(double[][] weights, double[] x) {
    double[] p = probabilities(weights, x);
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return best;
  }

  private static int species(Penguin penguin) {
    int index = SPECIES.indexOf(penguin.species());
    if (index < 0) {
      throw new IllegalArgumentException("unknown species '" + penguin.species() + "'");
    }
    return index;
  }

  /** 1 (the bias), then the four measurements standardized with {@code scale}. */
  private static double[] features(Penguin penguin, double[][] scale) {
    double[] f = penguin.features();
    double[] x = new double[FEATURES + 1];
    x[0] = 1;
    for (int j = 0; j < FEATURES; j++) {
      x[j + 1] = (f[j] - scale[0][j]) / scale[1][j];
    }
    return x;
  }

  /** Means (row 0) and standard deviations (row 1) of the measurements over {@code rows}. */
  private static double[][] scale(List<Penguin> rows) {
    double[][] scale = new double[2][FEATURES];
    for (Penguin penguin : rows) {
      double[] f = penguin.features();
      for (int j = 0; j < FEATURES; j++) {
        scale[0][j] += f[j] / rows.size();
      }
    }
    for (Penguin penguin : rows) {
      double[] f = penguin.features();
      for (int j = 0; j < FEATURES; j++) {
        scale[1][j] += (f[j] - scale[0][j]) * (f[j] - scale[0][j]) / rows.size();
      }
    }
    for (int j = 0; j < FEATURES; j++) {
      scale[1][j] = scale[1][j] == 0 ? 1 : Math.sqrt(scale[1][j]);
    }
    return scale;
  }

  /** SHA-256 of the weights' bits, row by row, as hex. */
  static String sha256(double[][] weights) {
    ByteBuffer bits = ByteBuffer.allocate(weights.length * (FEATURES + 1) * Double.BYTES);
    for (double[] row : weights) {
      for (double w : row) {
        bits.putLong(Double.doubleToRawLongBits(w));
      }
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bits.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
