package dev.fancy.benchmarks;

import dev.fancy.annotations.Step;

/** Steps that do (almost) nothing, so a benchmark measures the engine around them. */
public final class TrivialSteps {
  private TrivialSteps() {}

  /** Adds one. */
  @Step(slug = "bench.inc")
  public static int inc(int x) {
    return x + 1;
  }
}
