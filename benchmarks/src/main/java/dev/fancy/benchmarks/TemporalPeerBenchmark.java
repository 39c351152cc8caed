package dev.fancy.benchmarks;

import dev.fancy.benchmarks.temporal.HandWrittenWorkflow;
import dev.fancy.benchmarks.temporal.HandWrittenWorkflowImpl;
import dev.fancy.benchmarks.temporal.IncActivities;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.temporal.TemporalEngine;
import dev.fancy.workflow.Workflow;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * Fancy on Temporal next to the same graph written by hand against Temporal's SDK, on one
 * in-process Temporal test server with one worker each (the same JVM, the same task queue
 * settings). Scores are milliseconds per run; divide by {@code steps} for the time per activity
 * (the fan-out has {@code steps + 1} activities, and Fancy's also a join step, which the
 * hand-written workflow does in workflow code). The shapes of the issue are
 * {@code -p shape=chain -p steps=100,1000} and {@code -p shape=fanout -p steps=1000}.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar TemporalPeer -f 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 3, jvmArgs = {"-Xmx1g"})
public class TemporalPeerBenchmark {

  @Param({"chain"})
  public String shape;

  @Param({"100"})
  public int steps;

  private TestWorkflowEnvironment environment;
  private TemporalEngine engine;
  private Workflow workflow;
  private Inputs inputs;

  @Setup(Level.Trial)
  public void setUp() {
    environment = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker = environment.newWorker("hand-written");
    worker.registerWorkflowImplementationTypes(HandWrittenWorkflowImpl.class);
    worker.registerActivitiesImplementations(new IncActivities.Impl());
    environment.start();
    engine = TemporalEngine.builder(environment.getWorkflowServiceStubs())
        .namespace(environment.getNamespace()).taskQueue("fancy")
        .registry(StepRegistry.loadDefault()).localWorker(true).build();
    workflow = shape.equals("chain") ? Graphs.chain(steps) : Graphs.fanOut(steps);
    inputs = BenchmarkEngine.bind(workflow, java.util.Map.of("x", 0));
    fancy(); // the first run loads classes on both sides
    handWritten();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
    environment.close();
  }

  @Benchmark
  public RunResult fancy() {
    return engine.run(workflow, inputs).requireSucceeded();
  }

  @Benchmark
  public int handWritten() {
    HandWrittenWorkflow stub = environment.getWorkflowClient().newWorkflowStub(
        HandWrittenWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue("hand-written")
            .setWorkflowId(UUID.randomUUID().toString()).build());
    return stub.run(shape, steps);
  }
}
