package dev.fancy.benchmarks;

import dev.fancy.run.Inputs;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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

/**
 * What the execution semantics cost per step, in ns (each benchmark runs 10,000 steps or map
 * elements per invocation): a chain whose steps have a retry policy that is never used (their
 * inputs are snapshotted for fresh copies), a chain whose every step is a cache hit, and a map
 * over a 10,000-element list (one child run per element). Compare with
 * {@code EngineOverheadBenchmark.engine} on the plain chain. {@code mapRetriedTables} is in ns
 * per map element: a map over {@value #TABLES} tables of {@value #ROWS} rows whose child step
 * has a retry policy that is never used, the tables either immutable ({@code Stream.toList()}
 * of records: nothing to snapshot) or mutable ({@code ArrayList}s: snapshotted for fresh copies).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PolicyOverhead</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class PolicyOverheadBenchmark {

  static final int STEPS = 10_000;
  static final int TABLES = 8;
  static final int ROWS = 10_000;

  /** Whether the tables of {@link #mapRetriedTables} are immutable or mutable lists. */
  @Param({"immutable", "mutable"})
  public String tables;

  private BenchmarkEngine engine;
  private Workflow retried;
  private Workflow cached;
  private Workflow map;
  private Workflow mapTables;
  private Inputs tableInputs;
  private final Map<String, Object> chainInputs = Map.of("x", 0);
  private final Map<String, Object> mapInputs =
      Map.of("items", IntStream.range(0, STEPS).boxed().toList());

  @Setup(Level.Trial)
  public void setUp() {
    engine = new BenchmarkEngine();
    retried = Graphs.chain(STEPS, StepOptions.DEFAULT.withRetry(
        new RetryPolicy(3, Duration.ofMillis(10), 2, Duration.ofSeconds(1), 0.2, List.of(),
            List.of())));
    cached = Graphs.chain(STEPS, StepOptions.DEFAULT.withCache(true));
    map = Graphs.map();
    mapTables = Graphs.mapTables(StepOptions.DEFAULT.withRetry(
        new RetryPolicy(3, Duration.ofMillis(10), 2, Duration.ofSeconds(1), 0.2, List.of(),
            List.of())));
    List<List<TrivialSteps.Row>> data = IntStream.range(0, TABLES).mapToObj(t -> {
      List<TrivialSteps.Row> rows = IntStream.range(0, ROWS)
          .mapToObj(i -> new TrivialSteps.Row(i, "row " + i, i / 3.0)).toList();
      return tables.equals("immutable") ? rows : new ArrayList<>(rows);
    }).toList();
    @SuppressWarnings("unchecked")
    Cell<List<List<TrivialSteps.Row>>> input =
        (Cell<List<List<TrivialSteps.Row>>>) mapTables.inputs().get(0);
    tableInputs = Inputs.of(input, data);
    engine.run(cached, chainInputs); // fill the cache: every later run is all hits
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
  }

  @Benchmark
  @OperationsPerInvocation(STEPS)
  public Object retriesConfiguredUnused() {
    return engine.run(retried, chainInputs);
  }

  @Benchmark
  @OperationsPerInvocation(STEPS)
  public Object cacheHits() {
    return engine.run(cached, chainInputs);
  }

  @Benchmark
  @OperationsPerInvocation(STEPS)
  public Object map10k() {
    return engine.run(map, mapInputs);
  }

  @Benchmark
  @OperationsPerInvocation(TABLES)
  public Object mapRetriedTables() {
    return engine.run(mapTables, tableInputs);
  }
}
