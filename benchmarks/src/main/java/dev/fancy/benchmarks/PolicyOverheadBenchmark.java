package dev.fancy.benchmarks;

import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import java.time.Duration;
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
 * {@code EngineOverheadBenchmark.engine} on the plain chain.
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

  private BenchmarkEngine engine;
  private Workflow retried;
  private Workflow cached;
  private Workflow map;
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
}
