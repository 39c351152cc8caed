package dev.fancy.config;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Where {@link ConfigGenerator#random} draws one input's values from: a uniform or log-uniform
 * range of doubles, a range of whole numbers, or a choice among values. Each draw takes numbers
 * from the generator's seeded {@link SplittableRandom} only, so a seed fixes every sample.
 */
public interface Distribution {

  /** One value drawn with {@code random}. */
  Object sample(SplittableRandom random);

  /**
   * Doubles uniform in {@code [low, high)}.
   *
   * @throws IllegalArgumentException unless {@code low < high}, both finite
   */
  static Distribution uniform(double low, double high) {
    checkRange(low, high);
    return random -> random.nextDouble(low, high);
  }

  /**
   * Doubles whose logarithm is uniform in {@code [log low, log high)}: learning rates and other
   * scales (the {@code loguniform} of scipy and Optuna).
   *
   * @throws IllegalArgumentException unless {@code 0 < low < high}, both finite
   */
  static Distribution logUniform(double low, double high) {
    checkRange(low, high);
    if (low <= 0) {
      throw new IllegalArgumentException("a log-uniform range needs low > 0, not " + low);
    }
    double from = Math.log(low);
    double to = Math.log(high);
    return random -> Math.exp(random.nextDouble(from, to));
  }

  /**
   * Whole numbers uniform in {@code [low, high]} (both included), as {@code Long}; a config
   * converts them to the input's integer type.
   *
   * @throws IllegalArgumentException if {@code low > high}
   */
  static Distribution integers(long low, long high) {
    if (low > high) {
      throw new IllegalArgumentException("integers(" + low + ", " + high + "): low > high");
    }
    return random -> low == high ? low : random.nextLong(low, high == Long.MAX_VALUE
        ? high : high + 1);
  }

  /**
   * One of {@code values}, each equally likely.
   *
   * @throws IllegalArgumentException if {@code values} is empty
   */
  static Distribution choice(List<?> values) {
    Objects.requireNonNull(values, "values == null");
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a choice needs at least one value");
    }
    List<?> copy = List.copyOf(values);
    return random -> copy.get(random.nextInt(copy.size()));
  }

  private static void checkRange(double low, double high) {
    if (!(low < high) || Double.isInfinite(low) || Double.isInfinite(high)) {
      throw new IllegalArgumentException("range [" + low + ", " + high + ") needs finite "
          + "bounds with low < high");
    }
  }
}
