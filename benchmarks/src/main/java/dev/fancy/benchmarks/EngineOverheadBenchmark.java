package dev.fancy.benchmarks;

import dev.fancy.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
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
 * Engine overhead per trivial step, next to a hand-wired {@link CompletableFuture} graph of the
 * same shape on the same two-thread executor. Scores are nanoseconds per step
 * ({@code @OperationsPerInvocation} divides a whole run by its step count).
 *
 * <p>Shapes: a chain of 10,000 {@code inc} steps, and a fan-out of one root, 10,000 parallel
 * {@code inc} steps and one join over all of them (10,002 steps).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar EngineOverhead</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class EngineOverheadBenchmark {

  static final int STEPS = 10_000;

  @Param({"chain", "fanout"})
  public String shape;

  private BenchmarkEngine engine;
  private ExecutorService executor;
  private Workflow workflow;
  private final Map<String, Object> inputs = Map.of("x", 0);

  @Setup(Level.Trial)
  public void setUp() {
    engine = new BenchmarkEngine();
    executor = engine.executor;
    workflow = shape.equals("chain") ? Graphs.chain(STEPS) : Graphs.fanOut(STEPS);
    engine.validate(workflow);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
  }

  @Benchmark
  @OperationsPerInvocation(STEPS)
  public Object engine() {
    return engine.run(workflow, inputs);
  }

  @Benchmark
  @OperationsPerInvocation(STEPS)
  public Object completableFutures() {
    if (shape.equals("chain")) {
      CompletableFuture<Integer> cell = CompletableFuture.completedFuture(0);
      for (int i = 0; i < STEPS; i++) {
        cell = cell.thenApplyAsync(TrivialSteps::inc, executor);
      }
      return cell.join();
    }
    CompletableFuture<Integer> root =
        CompletableFuture.supplyAsync(() -> TrivialSteps.inc(0), executor);
    List<CompletableFuture<Integer>> branches = new ArrayList<>(STEPS);
    for (int i = 0; i < STEPS; i++) {
      branches.add(root.thenApplyAsync(TrivialSteps::inc, executor));
    }
    return CompletableFuture.allOf(branches.toArray(new CompletableFuture<?>[0]))
        .thenApplyAsync(done -> {
          Map<String, Object> joined = new HashMap<>();
          for (int i = 0; i < branches.size(); i++) {
            joined.put("b" + i, branches.get(i).join());
          }
          return joined;
        }, executor).join();
  }
}
