package dev.fancy.benchmarks;

import dev.fancy.engine.Engine;
import dev.fancy.engine.RunResult;
import dev.fancy.engine.StepRecord;
import dev.fancy.journal.DurableEngine;
import dev.fancy.journal.Journal;
import dev.fancy.registry.StepRegistry;
import dev.fancy.workflow.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Committed trivial steps per second with the SQLite journal, for a sequential chain and for 64
 * parallel chains, with {@code synchronous=FULL} and {@code NORMAL}; and the latency each step
 * gains from journaling (p50/p99 of step durations, durable minus in-memory). Every step is
 * durable before its dependents start; concurrent steps share transactions (group commit).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.fancy.benchmarks.DurableThroughput</pre>
 */
public final class DurableThroughput {
  private DurableThroughput() {}

  record Shape(String name, Workflow workflow, int steps, int workers) {}

  /** Entry point; prints one line per durability and shape. */
  public static void main(String[] args) throws Exception {
    List<Shape> shapes = List.of(
        new Shape("sequential chain", Graphs.chain(2_000), 2_000, 1),
        new Shape("64-wide parallel", Graphs.parallelChains(64, 50), 3_200, 64));
    System.out.printf(Locale.ROOT, "%-8s %-18s %12s %10s %10s %10s %10s %8s%n", "sync",
        "shape", "steps/s", "p50 ms", "p99 ms", "mem p50", "mem p99", "batch");
    for (Journal.Durability durability : Journal.Durability.values()) {
      for (Shape shape : shapes) {
        measure(durability, shape);
      }
    }
  }

  private static void measure(Journal.Durability durability, Shape shape) throws Exception {
    Path dir = Files.createTempDirectory("fancy-durable-bench");
    double[] memory;
    try (Engine engine = Engine.builder().maxConcurrency(shape.workers()).build()) {
      engine.run(shape.workflow(), Map.of("x", 0));
      memory = durations(engine.run(shape.workflow(), Map.of("x", 0)));
    }
    try (Journal journal = Journal.open(dir.resolve("journal.db"), durability);
        DurableEngine engine = DurableEngine.open(journal, StepRegistry.loadDefault(),
            Duration.ofSeconds(30), shape.workers(), null)) {
      engine.await(engine.submit(shape.workflow(), Map.of("x", 0))); // warm-up
      long[] before = journal.commitStatistics();
      long start = System.nanoTime();
      UUID run = engine.submit(shape.workflow(), Map.of("x", 0));
      if (!engine.await(run).equals("SUCCEEDED")) {
        throw new IllegalStateException("run " + run + " did not succeed");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long[] after = journal.commitStatistics();
      double[] durable = durations(engine.result(run));
      System.out.printf(Locale.ROOT, "%-8s %-18s %,12.0f %10.3f %10.3f %10.3f %10.3f %8.1f%n",
          durability, shape.name(), shape.steps() / seconds, percentile(durable, 50),
          percentile(durable, 99), percentile(memory, 50), percentile(memory, 99),
          (double) (after[1] - before[1]) / Math.max(1, after[0] - before[0]));
    }
  }

  /** Step durations in milliseconds, sorted. */
  private static double[] durations(RunResult result) {
    double[] millis = result.history().stream().map(StepRecord::duration)
        .mapToDouble(d -> d.toNanos() / 1e6).toArray();
    Arrays.sort(millis);
    return millis;
  }

  private static double percentile(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
