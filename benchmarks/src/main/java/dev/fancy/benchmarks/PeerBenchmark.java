package dev.fancy.benchmarks;

import dev.fancy.benchmarks.dagger.DaggerChain1000Graph;
import dev.fancy.benchmarks.dagger.DaggerChain100Graph;
import dev.fancy.benchmarks.dagger.DaggerFanOut1000Graph;
import dev.fancy.benchmarks.temporal.HandWrittenWorkflow;
import dev.fancy.benchmarks.temporal.HandWrittenWorkflowImpl;
import dev.fancy.benchmarks.temporal.IncActivities;
import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.journal.Durability;
import dev.fancy.journal.JournalOptions;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.temporal.TemporalEngine;
import dev.fancy.workflow.Workflow;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peers a user would pick instead of Fancy, on the same graphs of trivial {@code inc} steps,
 * in one JMH run: a chain of 100 and of 1,000 steps, and a fan-out of one root, 1,000 parallel
 * steps and one join over all of them ({@code -p shape=chain-100,chain-1000,fanout-1000}).
 *
 * <ul>
 *   <li>{@code completableFutures}: the graph hand-wired with {@link CompletableFuture}
 *       ({@code thenApplyAsync} on a two-thread pool), the limit of an in-process graph;
 *   <li>{@code daggerProducers}: the graph as a Dagger Producers component (compile-time graph,
 *       the source written by {@code benchmarks/src/generator/DaggerGraphSources.java}), one
 *       component per run, its producers on the same kind of pool;
 *   <li>{@code fancyInMemory}: {@code Engine.inMemory()}-style engine on a two-thread pool
 *       ({@link BenchmarkEngine});
 *   <li>{@code fancyDurable}: a {@link DurableEngine} on a fresh SQLite journal, {@code -p
 *       sync=FULL,NORMAL} (as {@link DurableStepBenchmark}'s durable side);
 *   <li>{@code fancyTemporal}: {@link TemporalEngine} with its local worker on an in-process
 *       Temporal test server (real time, no time skipping);
 *   <li>{@code handWrittenTemporal}: the same graph written by hand against Temporal's SDK
 *       ({@link HandWrittenWorkflowImpl}: a loop of activity calls, or {@code Async.function} per
 *       branch and the join in workflow code) with the activity options Fancy gives a step
 *       without options, on the same kind of test server.
 * </ul>
 *
 * <p>Scores are microseconds per run (one whole graph, the run awaited). Per step is the score
 * divided by the graph's steps: 100, 1,000, or 1,002 for the fan-out (root, branches, join; the
 * hand-written Temporal workflow joins in workflow code, so it runs 1,001 activities).
 * {@link PeerReport} turns the JSON result into the table of docs/performance.md. The slow sides
 * (durable, Temporal) run fewer and longer iterations, set per method below.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PeerBenchmark -f 3 -rf json -rff peer.json
 * java -cp benchmarks/target/benchmarks.jar dev.fancy.benchmarks.PeerReport peer.json</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 3, jvmArgs = {"-Xmx2g"})
public class PeerBenchmark {

  /** Threads of the in-process sides' pools, the machine's cores. */
  static final int THREADS = BenchmarkEngine.THREADS;

  /** The graph every side runs. */
  @State(Scope.Benchmark)
  public static class Shape {
    @Param({"chain-100", "chain-1000", "fanout-1000"})
    public String shape;

    boolean chain;
    int size;
    Workflow workflow;
    Inputs inputs;

    @Setup(Level.Trial)
    public void setUp() {
      String[] parts = shape.split("-");
      if (parts.length != 2 || !(parts[0].equals("chain") || parts[0].equals("fanout"))) {
        throw new IllegalArgumentException("shape " + shape
            + ": expected chain-100, chain-1000 or fanout-1000");
      }
      chain = parts[0].equals("chain");
      size = Integer.parseInt(parts[1]);
      workflow = chain ? Graphs.chain(size) : Graphs.fanOut(size);
      inputs = BenchmarkEngine.bind(workflow, Map.of("x", 0));
    }
  }

  /** A two-thread pool for the hand-wired and the Dagger graphs. */
  @State(Scope.Benchmark)
  public static class Pool {
    ExecutorService executor;

    @Setup(Level.Trial)
    public void setUp() {
      executor = Executors.newFixedThreadPool(THREADS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      executor.shutdownNow();
    }
  }

  /** Fancy's in-memory engine. */
  @State(Scope.Benchmark)
  public static class InMemory {
    BenchmarkEngine engine;

    @Setup(Level.Trial)
    public void setUp(Shape shape) {
      engine = new BenchmarkEngine();
      engine.validate(shape.workflow);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      engine.close();
    }
  }

  /** Fancy's durable engine on a fresh journal in a temporary directory. */
  @State(Scope.Benchmark)
  public static class Durable {
    @Param({"FULL", "NORMAL"})
    public String sync;

    Path dir;
    Journal journal;
    DurableEngine engine;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("fancy-peer-bench");
      journal = Journal.open(dir.resolve("journal.db"), JournalOptions.builder()
          .durability(Durability.valueOf(sync)).build());
      engine = DurableEngine.builder(journal).registry(StepRegistry.loadDefault()).open();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      engine.close();
      journal.close();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  /**
   * One in-process Temporal test server with Fancy's local worker (task queue {@code fancy}) and
   * the hand-written workflow's worker (task queue {@code hand-written}).
   */
  @State(Scope.Benchmark)
  public static class Temporal {
    TestWorkflowEnvironment environment;
    TemporalEngine engine;

    @Setup(Level.Trial)
    public void setUp(Shape shape) {
      environment = TestWorkflowEnvironment.newInstance(
          TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
      Worker worker = environment.newWorker("hand-written");
      worker.registerWorkflowImplementationTypes(HandWrittenWorkflowImpl.class);
      worker.registerActivitiesImplementations(new IncActivities.Impl());
      environment.start();
      engine = TemporalEngine.builder(environment.getWorkflowServiceStubs())
          .namespace(environment.getNamespace()).taskQueue("fancy")
          .registry(StepRegistry.loadDefault()).localWorker(true).build();
      // One run of each side loads their classes before the warm-up iteration.
      fancy(shape);
      handWritten(shape);
    }

    RunResult fancy(Shape shape) {
      return engine.run(shape.workflow, shape.inputs).requireSucceeded();
    }

    int handWritten(Shape shape) {
      HandWrittenWorkflow stub = environment.getWorkflowClient().newWorkflowStub(
          HandWrittenWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue("hand-written")
              .setWorkflowId(UUID.randomUUID().toString()).build());
      return stub.run(shape.chain ? "chain" : "fanout", shape.size);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      engine.close();
      environment.close();
    }
  }

  @Benchmark
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  public Object completableFutures(Shape shape, Pool pool) {
    ExecutorService executor = pool.executor;
    if (shape.chain) {
      CompletableFuture<Integer> cell = CompletableFuture.completedFuture(0);
      for (int i = 0; i < shape.size; i++) {
        cell = cell.thenApplyAsync(TrivialSteps::inc, executor);
      }
      return cell.join();
    }
    CompletableFuture<Integer> root =
        CompletableFuture.supplyAsync(() -> TrivialSteps.inc(0), executor);
    List<CompletableFuture<Integer>> branches = new ArrayList<>(shape.size);
    for (int i = 0; i < shape.size; i++) {
      branches.add(root.thenApplyAsync(TrivialSteps::inc, executor));
    }
    return CompletableFuture.allOf(branches.toArray(new CompletableFuture<?>[0]))
        .thenApplyAsync(done -> {
          Map<String, Integer> joined = new HashMap<>();
          for (int i = 0; i < branches.size(); i++) {
            joined.put("b" + i, branches.get(i).join());
          }
          return joined;
        }, executor).join();
  }

  @Benchmark
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  public Object daggerProducers(Shape shape, Pool pool)
      throws InterruptedException, ExecutionException {
    return switch (shape.shape) {
      case "chain-100" -> DaggerChain100Graph.factory().create(0, pool.executor).result().get();
      case "chain-1000" -> DaggerChain1000Graph.factory().create(0, pool.executor).result().get();
      case "fanout-1000" ->
          DaggerFanOut1000Graph.factory().create(0, pool.executor).result().get();
      default -> throw new IllegalArgumentException("no Dagger graph for shape " + shape.shape);
    };
  }

  @Benchmark
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  public Object fancyInMemory(Shape shape, InMemory memory) {
    return memory.engine.run(shape.workflow, shape.inputs);
  }

  @Benchmark
  @Warmup(iterations = 1, time = 2)
  @Measurement(iterations = 3, time = 2)
  public UUID fancyDurable(Shape shape, Durable durable) {
    var run = durable.engine.start(shape.workflow, shape.inputs);
    if (run.await() != RunStatus.SUCCEEDED) {
      throw new IllegalStateException("run " + run.id() + " did not succeed");
    }
    return run.id();
  }

  @Benchmark
  @Warmup(iterations = 3, time = 3)
  @Measurement(iterations = 3, time = 3)
  public Object fancyTemporal(Shape shape, Temporal temporal) {
    return temporal.fancy(shape);
  }

  @Benchmark
  @Warmup(iterations = 3, time = 3)
  @Measurement(iterations = 3, time = 3)
  public int handWrittenTemporal(Shape shape, Temporal temporal) {
    return temporal.handWritten(shape);
  }
}
