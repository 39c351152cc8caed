package dev.fancy.benchmarks;

import dev.fancy.cache.InMemoryStepCache;
import dev.fancy.engine.Engine;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Workflow;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The engine every benchmark measures: the default registry on a pool of {@value #THREADS}
 * threads (the machine's cores), a cache big enough for the benchmark graphs, and runs whose
 * values are discarded after the output is read.
 */
final class BenchmarkEngine implements AutoCloseable {

  static final int THREADS = 2;

  final ExecutorService executor = Executors.newFixedThreadPool(THREADS);
  private final Engine engine = Engine.builder().registry(StepRegistry.loadDefault())
      .executor(executor).maxConcurrency(THREADS).cache(new InMemoryStepCache(50_000)).build();

  /** {@code values} by input alias as the workflow's inputs, through the JSON boundary. */
  static Inputs bind(Workflow workflow, Map<String, ?> values) {
    ValueCodec codec = ValueCodec.defaults();
    return Inputs.fromJson(workflow, codec.toTree(values), codec);
  }

  void validate(Workflow workflow) {
    engine.validate(workflow);
  }

  /** Runs {@code workflow}, checks it succeeded, returns its first output, frees its values. */
  Object run(Workflow workflow, Map<String, Object> inputs) {
    return run(workflow, BenchmarkEngine.bind(workflow, inputs));
  }

  /** {@link #run(Workflow, Map)} with inputs bound as they are (the very objects, not JSON). */
  Object run(Workflow workflow, Inputs inputs) {
    RunResult result = engine.run(workflow, inputs);
    if (result.status() != RunStatus.SUCCEEDED) {
      throw new IllegalStateException("run failed: " + result.failure());
    }
    Object output = result.get(workflow.outputs().get(0));
    result.discard();
    return output;
  }

  @Override
  public void close() {
    engine.close();
    executor.shutdownNow();
  }
}
