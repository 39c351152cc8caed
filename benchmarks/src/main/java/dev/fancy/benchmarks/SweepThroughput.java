package dev.fancy.benchmarks;

import dev.fancy.config.ConfigGenerator;
import dev.fancy.config.ProcessIsolation;
import dev.fancy.config.Sweep;
import dev.fancy.config.SweepResult;
import dev.fancy.engine.Engine;
import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Sweeps of trivial configs (one {@code bench.inc} step each), printed as a table.
 *
 * <ul>
 *   <li>10,000 configs in-process on the in-memory engine, 2 at a time: configs/s (target
 *       5,000/s on 2 cores), and the durable engine's figure beside it (2,000 configs);
 *   <li>the cost per config of {@code isolate(PROCESS)}: with the warm pool (200 configs over 2
 *       children) and without it (a new child JVM per config, 10 configs), against the same
 *       configs in threads.
 * </ul>
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.fancy.benchmarks.SweepThroughput</pre>
 */
public final class SweepThroughput {
  private SweepThroughput() {}

  private static Workflow workflow() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    return Workflow.of("bench.sweep", TrivialStepsSteps.inc(x).out());
  }

  private static ConfigGenerator configs(int n) {
    List<Integer> values = IntStream.range(0, n).boxed().toList();
    return ConfigGenerator.grid(Map.of("x", values));
  }

  private static double perSecond(SweepResult result) {
    if (!result.allSucceeded()) {
      throw new IllegalStateException("a config failed:\n" + result.table(result.rows()
          .stream().filter(r -> !r.ok()).limit(5).toList()));
    }
    return result.rows().size() / (result.elapsed().toNanos() / 1e9);
  }

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    Workflow workflow = workflow();
    System.out.printf(Locale.ROOT, "%-44s %8s %14s %16s%n", "sweep", "configs", "configs/s",
        "ms per config");
    try (WorkflowEngine engine = Engine.inMemory()) {
      Sweep.of(engine, workflow, configs(10_000)).parallelism(2).run(); // warm-up
      SweepResult result = Sweep.of(engine, workflow, configs(10_000)).parallelism(2).run();
      row("in-memory engine, threads, parallelism 2", result);
      SweepResult one = Sweep.of(engine, workflow, configs(10_000)).run();
      row("in-memory engine, threads, sequential", one);
      SweepResult warm = Sweep.of(engine, workflow, configs(200)).parallelism(2)
          .isolate(ProcessIsolation.builder().build()).run();
      row("in-memory, isolate(PROCESS), warm pool of 2", warm);
      long cold = 0;
      int coldConfigs = 10;
      for (int i = 0; i < coldConfigs; i++) {
        cold += Sweep.of(engine, workflow, configs(1)).isolate(ProcessIsolation.builder()
            .build()).run().elapsed().toNanos();
      }
      System.out.printf(Locale.ROOT, "%-44s %8d %14.1f %16.2f%n",
          "in-memory, isolate(PROCESS), a JVM per config", coldConfigs,
          coldConfigs / (cold / 1e9), cold / 1e6 / coldConfigs);
    }
    Path dir = Files.createTempDirectory("fancy-sweep-bench");
    try (Journal journal = Journal.open(dir.resolve("journal.db"));
        WorkflowEngine durable = DurableEngine.builder(journal)
            .registry(StepRegistry.loadDefault()).open()) {
      Sweep.of(durable, workflow, configs(500)).parallelism(2).run(); // warm-up
      row("durable engine, threads, parallelism 2", Sweep.of(durable, workflow,
          configs(2_000)).parallelism(2).run());
    }
  }

  private static void row(String name, SweepResult result) {
    double rate = perSecond(result);
    System.out.printf(Locale.ROOT, "%-44s %8d %14.1f %16.3f%n", name, result.rows().size(), rate,
        1000 / rate);
  }
}
