package dev.fancy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fancy.engine.Engine;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunQuery;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
  private final WorkflowEngine engine = Engine.inMemory();
  private final Workflow workflow = SweepSteps.workflow();

  @AfterEach
  void close() {
    engine.close();
  }

  private static ConfigGenerator grid(List<?> models) {
    Map<String, List<?>> axes = new LinkedHashMap<>();
    axes.put("model", models);
    axes.put("lr", List.of(0.1, 0.2));
    axes.put("epochs", List.of(10, 20));
    return ConfigGenerator.grid(axes);
  }

  @Test
  void sequentialSweepHasOneRowPerConfigWithOutputs() {
    SweepResult result = Sweep.of(engine, workflow, grid(List.of("a", "bad"))).name("s1").run();
    assertThat(result.rows()).hasSize(8);
    assertThat(result.rows()).extracting(SweepResult.Row::index)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(result.count(SweepResult.Status.SUCCEEDED)).isEqualTo(4);
    assertThat(result.count(SweepResult.Status.FAILED)).isEqualTo(4);
    assertThat(result.allSucceeded()).isFalse();
    SweepResult.Row best = result.best("score.out", true).orElseThrow();
    assertThat(best.index()).isEqualTo(4);
    assertThat(best.outputs().get("score.out").asDouble()).isEqualTo(4.0);
    assertThat(result.rankedBy("score.out", false).get(0).outputs().get("score.out").asDouble())
        .isEqualTo(1.0);
    assertThat(result.rows().get(4).error())
        .isEqualTo("java.lang.IllegalArgumentException: model 'bad' diverged");
    String table = result.table();
    assertThat(table.lines().findFirst().orElseThrow())
        .matches("#\\s+status\\s+duration\\s+model\\s+lr\\s+epochs\\s+score\\.out\\s+error");
    assertThat(table.lines().toList().get(1)).matches(
        "1\\s+SUCCEEDED\\s+\\d+\\.\\d ms\\s+a\\s+0\\.1\\s+10\\s+1\\.0");
    assertThat(table).contains("FAILED").contains("model 'bad' diverged");
    RunInfo run = engine.runs(RunQuery.builder().label("sweep.index", "4").build()).runs()
        .get(0);
    assertThat(run.labels()).containsEntry("sweep", "s1");
    assertThat(run.runId()).isEqualTo(best.runId());
    assertThat(result.toString()).isEqualTo("SweepResult[8 configs, 4 succeeded, 4 not, in "
        + result.elapsed().toMillis() + " ms]");
  }

  @Test
  void parallelSweepRunsAtMostNAtOnceAndKeepsOrder() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    SweepResult result = Sweep.of(engine, workflow, grid(List.of("a", "b", "c")))
        .parallelism(3).onRow(row -> threads.add(Thread.currentThread().getName())).run();
    assertThat(result.rows()).extracting(SweepResult.Row::index)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
    assertThat(result.allSucceeded()).isTrue();
    assertThat(threads).allMatch(name -> name.equals("fancy-sweep"));
    assertThatThrownBy(() -> Sweep.of(engine, workflow, grid(List.of("a"))).parallelism(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void invalidConfigIsARowNotAnException() {
    ConfigGenerator configs = ConfigGenerator.of(
        Config.empty().with("lr", 0.1).with("epochs", 2).with("model", "a"),
        Config.empty().with("lr", "fast").with("epochs", 2).with("model", "a"));
    SweepResult result = Sweep.of(engine, workflow, configs).run();
    assertThat(result.rows().get(1).status()).isEqualTo(SweepResult.Status.INVALID);
    assertThat(result.rows().get(1).error()).isEqualTo(
        "input 'lr' is a java.lang.Double, but the value fast is a java.lang.String");
    assertThat(result.rows().get(1).runId()).isNull();
  }

  @Test
  void aHangingConfigTimesOutAndOnlyItFails() {
    ConfigGenerator configs = ConfigGenerator.zip(Map.of("model", List.of("a", "hang", "b"),
        "lr", List.of(1.0, 1.0, 1.0), "epochs", List.of(1, 1, 1)));
    SweepResult result = Sweep.of(engine, workflow, configs).parallelism(2)
        .timeout(Duration.ofMillis(300)).run();
    assertThat(result.rows()).extracting(SweepResult.Row::status).containsExactly(
        SweepResult.Status.SUCCEEDED, SweepResult.Status.TIMED_OUT,
        SweepResult.Status.SUCCEEDED);
    // Stopped by the run's deadline, or by the sweep's cancel on an engine without deadlines.
    assertThat(result.rows().get(1).error()).containsAnyOf("timed out after PT0.3S",
        "the run's deadline of PT0.3S passed");
    assertThatThrownBy(() -> Sweep.of(engine, workflow, configs).timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resumeSkipsConfigsThatSucceeded() {
    ConfigGenerator configs = grid(List.of("a"));
    SweepResult first = Sweep.of(engine, workflow, configs).run();
    Map<Long, SweepResult.Row> earlier = new LinkedHashMap<>();
    first.rows().stream().filter(row -> row.index() != 2).forEach(r -> earlier.put(r.index(), r));
    SweepResult again = Sweep.of(engine, workflow, configs).resumeFrom(earlier).run();
    assertThat(again.rows()).extracting(SweepResult.Row::status).containsExactly(
        SweepResult.Status.SKIPPED, SweepResult.Status.SUCCEEDED, SweepResult.Status.SKIPPED,
        SweepResult.Status.SKIPPED);
    assertThat(again.rows().get(0).outputs()).isEqualTo(first.rows().get(0).outputs());
    assertThat(again.allSucceeded()).isTrue();
  }

  @Test
  void writesCsvAndJsonLines(@TempDir Path dir) throws IOException {
    Config named = Config.empty().with("lr", 0.5).with("epochs", 2).with("model", "a, \"q\"")
        .named("n1").tagged("t", "v");
    SweepResult result = Sweep.of(engine, workflow, ConfigGenerator.of(named,
        named.with("model", "bad"))).outputs(List.of("score.out")).run();
    Path csv = dir.resolve("r.csv");
    result.writeCsv(csv);
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo("index,status,duration_ms,run_id,config,input.lr,"
        + "input.epochs,input.model,output.score.out,error");
    assertThat(lines.get(1)).matches("1,SUCCEEDED,[0-9.]+,\"?[0-9a-f-]{36}\"?,n1,0.5,2,\"a, \"\"q\"\"\","
        + "1.0,");
    assertThat(lines.get(2)).matches("2,FAILED,.*,bad,,\"java.lang.IllegalArgumentException: "
        + "model 'bad' diverged\"");
    Path jsonl = dir.resolve("r.jsonl");
    result.writeJsonLines(jsonl);
    List<String> json = Files.readAllLines(jsonl);
    assertThat(json).hasSize(2);
    JsonNode first = new ObjectMapper().readTree(json.get(0));
    assertThat(first.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(first.get("name").asText()).isEqualTo("n1");
    assertThat(first.get("tags").toString()).isEqualTo("{\"t\":\"v\"}");
    assertThat(first.get("inputs").toString())
        .isEqualTo("{\"lr\":0.5,\"epochs\":2,\"model\":\"a, \\\"q\\\"\"}");
    assertThat(first.get("outputs").toString()).isEqualTo("{\"score.out\":1.0}");
    assertThat(first.get("error").isNull()).isTrue();
    assertThat(new ObjectMapper().readTree(json.get(1)).get("error").asText())
        .contains("diverged");
  }

  @Test
  void resumeFindsEarlierAttemptsOnTheEngineByName() {
    ConfigGenerator configs = grid(List.of("a", "bad"));
    SweepResult first = Sweep.of(engine, workflow, configs).resume().run();
    assertThat(first.count(SweepResult.Status.SUCCEEDED)).isEqualTo(4);
    Sweep again = Sweep.of(engine, workflow, configs).resume();
    assertThat(again.name()).isEqualTo(Sweep.nameOf(workflow, configs))
        .startsWith("sweep.test-").hasSize("sweep.test-".length() + 16);
    SweepResult second = again.run();
    assertThat(again.attached()).isZero();
    assertThat(second.rows()).extracting(SweepResult.Row::status).containsExactly(
        SweepResult.Status.SKIPPED, SweepResult.Status.SKIPPED, SweepResult.Status.SKIPPED,
        SweepResult.Status.SKIPPED, SweepResult.Status.FAILED, SweepResult.Status.FAILED,
        SweepResult.Status.FAILED, SweepResult.Status.FAILED);
    assertThat(second.rows().get(3).output("score.out").asDouble()).isEqualTo(4.0);
    assertThat(Sweep.nameOf(workflow, grid(List.of("a")))).isNotEqualTo(again.name());
    assertThat(Sweep.of(engine, workflow, configs).name()).hasSize(36); // a random UUID
  }
}
