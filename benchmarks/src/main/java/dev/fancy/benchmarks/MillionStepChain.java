package dev.fancy.benchmarks;

import dev.fancy.engine.Engine;
import dev.fancy.run.RunResult;
import dev.fancy.workflow.Workflow;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;
import java.util.Map;

/**
 * Builds and runs a chain of 1,000,000 trivial steps and prints the build time, the run time per
 * step and the peak heap. Run it with a 1 GiB heap:
 *
 * <pre>java -Xmx1g -cp benchmarks/target/benchmarks.jar dev.fancy.benchmarks.MillionStepChain</pre>
 *
 * <p>An optional argument sets the chain length.
 */
public final class MillionStepChain {
  private MillionStepChain() {}

  /** Entry point; prints figures and exits non-zero if the result is wrong. */
  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    long buildStart = System.nanoTime();
    Workflow workflow = Graphs.chain(steps);
    long buildNanos = System.nanoTime() - buildStart;
    try (Engine engine = Engine.builder().maxConcurrency(2).build()) {
      long validateStart = System.nanoTime();
      engine.validate(workflow);
      long validateNanos = System.nanoTime() - validateStart;
      long runStart = System.nanoTime();
      RunResult result = engine.run(workflow, BenchmarkEngine.bind(workflow, Map.of("x", 0)));
      long runNanos = System.nanoTime() - runStart;
      Object value = result.get(workflow.outputs().get(0));
      if (!Integer.valueOf(steps).equals(value)) {
        System.err.println("wrong result: " + value);
        System.exit(1);
      }
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.out.printf(Locale.ROOT, "steps                 %,d%n", steps);
      System.out.printf(Locale.ROOT, "max heap              %,d MiB%n",
          Runtime.getRuntime().maxMemory() >> 20);
      System.out.printf(Locale.ROOT, "build workflow        %,.0f ms%n", buildNanos / 1e6);
      System.out.printf(Locale.ROOT, "validate and plan     %,.0f ms%n", validateNanos / 1e6);
      System.out.printf(Locale.ROOT, "run                   %,.0f ms (%,.0f ns/step)%n",
          runNanos / 1e6, (double) runNanos / steps);
      System.out.printf(Locale.ROOT, "peak heap (sum of pool peaks) %,d MiB%n", peak >> 20);
      System.out.printf(Locale.ROOT, "result                %s (%s)%n", value, result.status());
    }
  }
}
