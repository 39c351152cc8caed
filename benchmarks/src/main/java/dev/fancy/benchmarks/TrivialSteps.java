package dev.fancy.benchmarks;

import dev.fancy.annotations.Step;
import java.util.List;

/** Steps that do (almost) nothing, so a benchmark measures the engine around them. */
public final class TrivialSteps {
  private TrivialSteps() {}

  /** Adds one. */
  @Step(slug = "bench.inc")
  public static int inc(int x) {
    return x + 1;
  }

  /** One row of a table: an immutable record. */
  public record Row(int id, String name, double score) {}

  /** Counts a table's rows. */
  @Step(slug = "bench.rows")
  public static int rows(List<Row> rows) {
    return rows.size();
  }
}
