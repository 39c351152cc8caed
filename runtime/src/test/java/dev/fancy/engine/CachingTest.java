package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.fancy.cache.CacheKey;
import dev.fancy.cache.InMemoryStepCache;
import dev.fancy.cache.SqliteStepCache;
import dev.fancy.cache.StepCache;
import dev.fancy.fixtures.Bind;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingTest {

  @TempDir
  Path temp;

  private final AtomicInteger executions = new AtomicInteger();

  private StepDefinition square(int version) {
    return new StepDefinition("test.square", version, "", Call.unary(MathSteps.INT),
        (frame, args) -> {
          executions.incrementAndGet();
          return new Object[] {(Integer) args[0] * (Integer) args[0]};
        }, StepOptions.DEFAULT.withCache(true));
  }

  private RunResult run(Engine engine, int version, int value) {
    Call<Integer> call = new Call<>("test.square", Call.unary(MathSteps.INT),
        Cell.input("x", Integer.class));
    Workflow workflow = Workflow.of("w", version == 1 ? call.out()
        : Workflow.fromJson(Workflow.of("w", call.out()).toJson()
            .replace("\"version\" : 1", "\"version\" : " + version)).outputs().get(0));
    return engine.run(workflow, Bind.inputs(workflow, Map.of("x", value)));
  }

  @Test
  void aFileInputIsKeyedByItsContentSoAChangedFileIsReadAgain() throws Exception {
    ValueType<Path> pathType = ValueType.of(Path.class);
    StepRegistry registry = StepRegistry.empty().register(new StepDefinition("test.read", 1, "",
        Contract.of(List.of(Port.of("file", pathType)), List.of(Port.of("out", MathSteps.STRING))),
        (frame, args) -> {
          executions.incrementAndGet();
          return new Object[] {java.nio.file.Files.readString((Path) args[0])};
        }, StepOptions.DEFAULT.withCache(true)));
    Cell<Path> file = Cell.input("file", Path.class);
    Call<String> read = new Call<>("test.read", Contract.of(List.of(Port.of("file", pathType)),
        List.of(Port.of("out", MathSteps.STRING))), file);
    Workflow workflow = Workflow.of("read", read.out());
    Path data = java.nio.file.Files.writeString(temp.resolve("data.txt"), "first");
    try (Engine engine = Engine.builder().registry(registry).build()) {
      assertThat(engine.run(workflow, Inputs.of(file, data)).get(read.out())).isEqualTo("first");
      assertThat(engine.run(workflow, Inputs.of(file, data)).get(read.out())).isEqualTo("first");
      assertThat(executions).as("the same content is a cache hit").hasValue(1);

      java.nio.file.Files.writeString(data, "second");

      assertThat(engine.run(workflow, Inputs.of(file, data)).get(read.out()))
          .as("a changed file is read again, not served stale from the cache").isEqualTo("second");
      assertThat(executions).hasValue(2);
    }
  }

  @Test
  void identicalCachedCallsInFlightComputeOnceAndTheOthersWaitForIt() throws Exception {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    StepRegistry registry = StepRegistry.empty().register(new StepDefinition("test.slow_square", 1,
        "", Call.unary(MathSteps.INT), (frame, args) -> {
          executions.incrementAndGet();
          started.countDown();
          if (!release.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("never released");
          }
          return new Object[] {(Integer) args[0] * (Integer) args[0]};
        }, StepOptions.DEFAULT.withCache(true)));
    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> call = new Call<>("test.slow_square", Call.unary(MathSteps.INT), x);
    Workflow workflow = Workflow.of("square", call.out());
    try (Engine engine = Engine.builder().registry(registry).maxConcurrency(2).build()) {
      List<dev.fancy.run.RunHandle> runs = new java.util.ArrayList<>();
      runs.add(engine.start(workflow, Inputs.of(x, 7)));
      assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i < 8; i++) {
        runs.add(engine.start(workflow, Inputs.of(x, 7)));
      }
      release.countDown();
      for (dev.fancy.run.RunHandle run : runs) {
        assertThat(run.result().get(call.out())).isEqualTo(49);
      }
      assertThat(executions).as("one call computed, seven waited for it").hasValue(1);
      assertThat(engine.capabilities().supports(dev.fancy.run.Capability.SINGLE_FLIGHT_CACHE))
          .isTrue();
    }
  }

  @Test
  void aHitSkipsTheStepAndIsMarkedInTheHistory() {
    StepRegistry registry = StepRegistry.empty().register(square(1)).register(square(2));
    List<String> hits = new java.util.ArrayList<>();
    try (Engine engine = Engine.builder().registry(registry).listener(event -> {
      if (event.type() == RunEvent.Type.CACHE_HIT) {
        hits.add(event.slug());
      }
    }).build()) {
      RunResult first = run(engine, 1, 7);
      RunResult second = run(engine, 1, 7);
      assertThat(first.history().get(0).cacheHit()).isFalse();
      assertThat(second.history().get(0).cacheHit()).isTrue();
      assertThat(second.get(second.workflow().outputs().get(0))).isEqualTo(49);
      assertThat(executions).hasValue(1);
      assertThat(hits).containsExactly("test.square");

      run(engine, 1, 8);
      assertThat(executions).hasValue(2);
      run(engine, 2, 7);
      assertThat(executions).as("a new version never reuses old entries").hasValue(3);
    }
  }

  @Test
  void anInputThatCannotBeSerializedFailsTheStepInsteadOfBeingLeftOut() {
    ValueType<Object> any = ValueType.of(Object.class);
    StepRegistry registry = StepRegistry.empty().register(new StepDefinition("test.opaque", 1, "",
        Call.unary(any), (frame, args) -> new Object[] {args[0]},
        StepOptions.DEFAULT.withCache(true)));
    Cell<Object> x = Cell.input("x", Object.class);
    Call<Object> call = new Call<>("test.opaque", Call.unary(any), x);
    try (Engine engine = Engine.builder().registry(registry).build()) {
      RunResult result = engine.run(Workflow.of("w", call.out()), Inputs.of(x, new Object()));
      assertThat(result.status()).isEqualTo(RunStatus.FAILED);
      assertThat(result.step(call).error().message()).contains(
          "input 'a' of step 'test.opaque' cannot be serialized for its cache key",
          "or turn caching off for this step");
    }
  }

  @Test
  void theSqliteCacheSurvivesARestart() {
    Path file = temp.resolve("cache.db");
    StepRegistry registry = StepRegistry.empty().register(square(1));
    try (SqliteStepCache cache = new SqliteStepCache(file);
        Engine engine = Engine.builder().registry(registry).cache(cache).build()) {
      run(engine, 1, 5);
    }
    try (SqliteStepCache cache = new SqliteStepCache(file);
        Engine engine = Engine.builder().registry(registry).cache(cache).build()) {
      RunResult again = run(engine, 1, 5);
      assertThat(again.history().get(0).cacheHit()).isTrue();
      assertThat(again.get(again.workflow().outputs().get(0))).isEqualTo(25);
    }
    assertThat(executions).hasValue(1);
  }

  @Test
  void theInMemoryCacheStaysWithinItsBoundAndHandsOutCopies() {
    InMemoryStepCache cache = new InMemoryStepCache(2);
    List<CacheKey> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      keys.add(CacheKey.of("s", 1, List.of("x"), new Object[] {i}, ValueCodec.defaults()));
      cache.put(keys.get(i), JsonNodeFactory.instance.arrayNode().add(i));
    }
    assertThat(cache.size()).isEqualTo(2);
    assertThat(keys.stream().filter(k -> cache.get(k).isPresent())).hasSize(2);

    CacheKey kept = keys.stream().filter(k -> cache.get(k).isPresent()).findFirst().orElseThrow();
    cache.get(kept).orElseThrow().add("changed by a caller");
    assertThat(cache.get(kept).orElseThrow()).hasSize(1);
    assertThat(keys.get(1)).isNotEqualTo(CacheKey.of("s", 2, List.of("x"), new Object[] {1},
        ValueCodec.defaults()));
    assertThatThrownBy(() -> new InMemoryStepCache(0))
        .hasMessage("a cache needs room for at least one entry");
  }
}
