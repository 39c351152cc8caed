package dev.fancy.benchmarks;

import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.journal.Durability;
import dev.fancy.journal.JournalOptions;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * A durable step next to the disk's own speed, both in one JMH run: {@code rawCommit} is a
 * sqlite-jdbc loop that commits one row per transaction ({@code BEGIN IMMEDIATE}, one
 * {@code INSERT}, {@code COMMIT}) on a connection set up as the journal's (WAL, the same
 * {@code synchronous}, {@code busy_timeout}, {@code foreign_keys}); {@code durableChain} runs a
 * chain of 100 trivial {@code inc} steps on a {@link DurableEngine} and waits for it. Scores are
 * nanoseconds per committed row and per committed step ({@code @OperationsPerInvocation}); a
 * durable run's own two writes (create and finish) are part of its 100 steps' cost.
 *
 * <p>Run through JMH directly, or through {@link #main}, which runs the same benchmarks (JMH
 * options may follow, e.g. {@code -f 5}) and prints the medians of the measured iterations over
 * every fork and the ratio durable step / raw commit for each {@code synchronous}:
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.fancy.benchmarks.DurableStepBenchmark -f 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgs = {"-Xmx1g"})
public class DurableStepBenchmark {

  /** Steps per durable run, and rows per raw invocation. */
  static final int STEPS = 100;

  @Param({"FULL", "NORMAL"})
  public String sync;

  private Path dir;
  private Connection raw;
  private PreparedStatement begin;
  private PreparedStatement insert;
  private PreparedStatement commit;
  private long row;
  private Journal journal;
  private DurableEngine engine;
  private final Workflow workflow = Graphs.chain(STEPS);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("fancy-step-bench");
    raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("raw.db"));
    try (Statement statement = raw.createStatement()) {
      // The journal's connection settings (JournalStore.connect).
      statement.execute("PRAGMA busy_timeout=60000");
      statement.execute("PRAGMA journal_mode=WAL");
      statement.execute("PRAGMA synchronous=" + sync);
      statement.execute("PRAGMA foreign_keys=ON");
      statement.execute("CREATE TABLE rows (id TEXT PRIMARY KEY, n INTEGER NOT NULL, "
          + "payload TEXT, at INTEGER NOT NULL)");
    }
    begin = raw.prepareStatement("BEGIN IMMEDIATE");
    insert = raw.prepareStatement("INSERT INTO rows (id, n, payload, at) VALUES (?, ?, ?, ?)");
    commit = raw.prepareStatement("COMMIT");
    journal = Journal.open(dir.resolve("journal.db"), JournalOptions.builder()
        .durability(Durability.valueOf(sync)).build());
    engine = DurableEngine.builder(journal).registry(StepRegistry.loadDefault()).open();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    engine.close();
    journal.close();
    begin.close();
    insert.close();
    commit.close();
    raw.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException ignored) {
          // a temporary directory
        }
      });
    }
  }

  /** {@value #STEPS} single-row transactions, one after the other. */
  @Benchmark
  @OperationsPerInvocation(STEPS)
  public long rawCommit() throws SQLException {
    for (int i = 0; i < STEPS; i++) {
      long n = row++;
      begin.execute();
      insert.setString(1, "run:" + n);
      insert.setLong(2, n);
      insert.setString(3, "[" + n + "]");
      insert.setLong(4, System.currentTimeMillis());
      insert.executeUpdate();
      commit.execute();
    }
    return row;
  }

  /** One durable run of a chain of {@value #STEPS} trivial steps, until it finished. */
  @Benchmark
  @OperationsPerInvocation(STEPS)
  public UUID durableChain() {
    var run = engine.start(workflow, BenchmarkEngine.bind(workflow, Map.of("x", 0)));
    if (run.await() != RunStatus.SUCCEEDED) {
      throw new IllegalStateException("run " + run.id() + " did not succeed");
    }
    return run.id();
  }

  /**
   * Runs this benchmark (JMH options may follow) and prints, per {@code synchronous}, the median
   * ns per raw commit and per durable step over all measured iterations of all forks, and their
   * ratio.
   */
  public static void main(String[] args) throws Exception {
    Options options = new OptionsBuilder().parent(new CommandLineOptions(args))
        .include(DurableStepBenchmark.class.getSimpleName() + "\\.").build();
    Map<String, Map<String, Double>> medians = new TreeMap<>();
    for (RunResult result : new Runner(options).run()) {
      String method = result.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      List<Double> scores = new ArrayList<>();
      for (var benchmark : result.getBenchmarkResults()) {
        for (IterationResult iteration : benchmark.getIterationResults()) {
          scores.add(iteration.getPrimaryResult().getScore());
        }
      }
      medians.computeIfAbsent(result.getParams().getParam("sync"), k -> new TreeMap<>())
          .put(method, median(scores));
    }
    System.out.printf(Locale.ROOT, "%n%-8s %18s %18s %8s%n", "sync", "raw commit ns",
        "durable step ns", "ratio");
    medians.forEach((sync, scores) -> System.out.printf(Locale.ROOT, "%-8s %,18.0f %,18.0f "
            + "%7.2fx%n", sync, scores.get("rawCommit"), scores.get("durableChain"),
        scores.get("durableChain") / scores.get("rawCommit")));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
