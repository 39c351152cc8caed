package dev.fancy.benchmarks;

import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Engine;
import dev.fancy.engine.Journal;
import dev.fancy.journal.Durability;
import dev.fancy.journal.JournalOptions;
import dev.fancy.journal.JournalStatistics;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.workflow.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Durable throughput with the SQLite journal, printed as tables.
 *
 * <p>{@code shapes}: committed trivial steps per second for one sequential chain and for 64
 * parallel chains, with {@code synchronous=FULL} and {@code NORMAL}, and the latency each step
 * gains from journaling (p50/p99 of step durations, durable and in memory).
 *
 * <p>{@code load}: 10,000 runs of three trivial steps submitted by 8 threads at once
 * ({@code synchronous=FULL}), after two rounds of 5,000 runs of the same load as warm-up (so
 * that the measured runs meet compiled code; {@code -Dwarmup=N} rounds): runs/s submitted and
 * end to end (first submit to last run finished), units of journal work per committed
 * transaction (group commit), and p50/p99 of step durations (a step's duration includes
 * allocating its attempt and committing its result).
 *
 * <pre>
 * java [-Dworkers=64] [-Dwarmup=2] -cp benchmarks/target/benchmarks.jar \
 *     dev.fancy.benchmarks.DurableThroughput [shapes|load]
 * </pre>
 */
public final class DurableThroughput {
  private DurableThroughput() {}

  record Shape(String name, Workflow workflow, int steps, int workers) {}

  /** The durable engine's worker threads in {@code load}: {@code -Dworkers=N}, default 64. */
  private static final int WORKERS = Integer.getInteger("workers", 64);
  /** Warm-up rounds of half the load before the measured one: {@code -Dwarmup=N}, default 2. */
  private static final int WARMUP_ROUNDS = Integer.getInteger("warmup", 2);

  /** Entry point; runs both parts unless one is named. */
  public static void main(String[] args) throws Exception {
    String part = args.length > 0 ? args[0] : "all";
    if (!part.equals("load")) {
      shapes();
    }
    if (!part.equals("shapes")) {
      load(10_000, 8);
    }
  }

  private static void shapes() throws Exception {
    List<Shape> shapes = List.of(
        new Shape("sequential chain", Graphs.chain(2_000), 2_000, 1),
        new Shape("64-wide parallel", Graphs.parallelChains(64, 50), 3_200, 64));
    System.out.printf(Locale.ROOT, "%-8s %-18s %12s %10s %10s %10s %10s %8s%n", "sync",
        "shape", "steps/s", "p50 ms", "p99 ms", "mem p50", "mem p99", "batch");
    for (Durability durability : Durability.values()) {
      for (Shape shape : shapes) {
        measure(durability, shape);
      }
    }
  }

  private static Journal open(Durability durability) throws Exception {
    Path dir = Files.createTempDirectory("fancy-durable-bench");
    return Journal.open(dir.resolve("journal.db"), JournalOptions.builder()
        .durability(durability).build());
  }

  private static void measure(Durability durability, Shape shape) throws Exception {
    double[] memory;
    try (Engine engine = Engine.builder().maxConcurrency(shape.workers()).build()) {
      engine.run(shape.workflow(), BenchmarkEngine.bind(shape.workflow(), Map.of("x", 0)));
      memory = durations(List.of(engine.run(shape.workflow(), BenchmarkEngine.bind(shape.workflow(), Map.of("x", 0)))));
    }
    try (Journal journal = open(durability);
        DurableEngine engine = DurableEngine.builder(journal)
            .registry(StepRegistry.loadDefault()).maxConcurrency(shape.workers()).open()) {
      engine.start(shape.workflow(), BenchmarkEngine.bind(shape.workflow(), Map.of("x", 0))).await(); // warm-up
      JournalStatistics before = journal.statistics();
      long start = System.nanoTime();
      UUID run = engine.start(shape.workflow(), BenchmarkEngine.bind(shape.workflow(), Map.of("x", 0))).id();
      if (engine.handle(run).await() != RunStatus.SUCCEEDED) {
        throw new IllegalStateException("run " + run + " did not succeed");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double[] durable = durations(List.of(engine.handle(run).result()));
      System.out.printf(Locale.ROOT, "%-8s %-18s %,12.0f %10.3f %10.3f %10.3f %10.3f %8.1f%n",
          durability, shape.name(), shape.steps() / seconds, percentile(durable, 50),
          percentile(durable, 99), percentile(memory, 50), percentile(memory, 99),
          batch(before, journal.statistics()));
    }
  }

  private static void load(int runs, int threads) throws Exception {
    Workflow workflow = Graphs.chain(3);
    ExecutorService submitters = Executors.newFixedThreadPool(threads);
    try (Journal journal = open(Durability.FULL);
        DurableEngine engine = DurableEngine.builder(journal)
            .registry(StepRegistry.loadDefault()).keptResults(runs, 1L << 30)
            .workerThreads(WORKERS).open()) {
      // Warm-up: the same load, so that the measured runs meet compiled code (in a 6-second
      // measurement the JIT compiler otherwise takes close to half of the two cores).
      for (int round = 0; round < WARMUP_ROUNDS; round++) {
        for (UUID id : submit(engine, workflow, runs / 2, threads, submitters)) {
          engine.handle(id).await();
        }
      }
      JournalStatistics before = journal.statistics();
      long start = System.nanoTime();
      List<UUID> ids = submit(engine, workflow, runs, threads, submitters);
      double submitted = (System.nanoTime() - start) / 1e9;
      List<RunResult> results = new ArrayList<>();
      for (UUID id : ids) {
        if (engine.handle(id).await() != RunStatus.SUCCEEDED) {
          throw new IllegalStateException("run " + id + " did not succeed");
        }
        results.add(engine.handle(id).result());
      }
      double finished = (System.nanoTime() - start) / 1e9;
      double[] steps = durations(results);
      System.out.printf(Locale.ROOT, "%nload: %,d runs x 3 steps from %d threads, "
              + "synchronous=FULL, %d cores, %d worker threads%n", ids.size(), threads,
          Runtime.getRuntime().availableProcessors(), WORKERS);
      System.out.printf(Locale.ROOT, "%14s %14s %12s %12s %12s %12s%n", "submitted/s",
          "end-to-end/s", "units/txn", "largest", "step p50 ms", "step p99 ms");
      JournalStatistics after = journal.statistics();
      System.out.printf(Locale.ROOT, "%,14.0f %,14.0f %12.1f %12d %12.3f %12.3f%n",
          ids.size() / submitted, ids.size() / finished, batch(before, after),
          after.largestBatch(), percentile(steps, 50), percentile(steps, 99));
    } finally {
      submitters.shutdownNow();
    }
  }

  /** Starts {@code runs} runs of {@code workflow} from {@code threads} threads at once. */
  private static List<UUID> submit(DurableEngine engine, Workflow workflow, int runs, int threads,
      ExecutorService submitters) throws Exception {
    List<Future<List<UUID>>> batches = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t * (runs / threads);
      batches.add(submitters.submit(() -> {
        List<UUID> ids = new ArrayList<>();
        for (int i = first; i < first + runs / threads; i++) {
          ids.add(engine.start(workflow, BenchmarkEngine.bind(workflow, Map.of("x", i))).id());
        }
        return ids;
      }));
    }
    List<UUID> ids = new ArrayList<>();
    for (Future<List<UUID>> batch : batches) {
      ids.addAll(batch.get());
    }
    return ids;
  }

  private static double batch(JournalStatistics before, JournalStatistics after) {
    return (double) (after.units() - before.units())
        / Math.max(1, after.transactions() - before.transactions());
  }

  /** Step durations in milliseconds, sorted. */
  private static double[] durations(List<RunResult> results) {
    double[] millis = results.stream().flatMap(result -> result.history().stream())
        .map(StepRecord::duration).mapToDouble(d -> d.toNanos() / 1e6).toArray();
    Arrays.sort(millis);
    return millis;
  }

  private static double percentile(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
