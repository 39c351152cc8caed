package dev.fancy.examples.penguins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.journal.JournalException;
import dev.fancy.journal.JournalOptions;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint-resume example as examples/cli.sh runs it: {@code fancy run
 * penguins.train_resumable} on the durable journal is killed with SIGKILL once the journal shows
 * ten checkpoints of its training step, {@code fancy run ... --resume} takes the run over and
 * continues from the last checkpoint (not from epoch 0), and the parameters it ends with are
 * bit-identical to those of an uninterrupted run.
 */
class ResumableTrainingCliIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final int KILL_AT = 10;
  private static final int EPOCHS = 60;

  @Test
  void killedMidTrainingItResumesFromItsLastCheckpointWithIdenticalParameters(@TempDir Path dir)
      throws Exception {
    Path journal = dir.resolve("journal.db");
    Process first = fancy(dir.resolve("first.txt"), "run", "penguins.train_resumable",
        "--config", "examples/penguins/resumable.yaml", "--journal", journal.toString(),
        "--lease", "3s", "--no-output-dir");

    long seen = awaitCheckpoints(journal, first, KILL_AT, Duration.ofMinutes(2));
    first.destroyForcibly(); // SIGKILL: the launcher execs the JVM, so this is the JVM
    assertThat(first.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    long atKill;
    try (Journal opened = readOnly(journal);
        DurableEngine engine = DurableEngine.builder(opened).registry(StepRegistry.empty())
            .open()) {
      RunInfo run = onlyRun(engine);
      assertThat(run.status()).as("the killed run never ended").isEqualTo(RunStatus.RUNNING);
      atKill = trainStep(engine, run).checkpoints();
    }
    assertThat(atKill).isBetween(seen, (long) EPOCHS - 1);

    Path resumedOut = dir.resolve("resumed.txt");
    Process resumed = fancy(resumedOut, "run", "penguins.train_resumable", "--config",
        "examples/penguins/resumable.yaml", "--journal", journal.toString(), "--lease", "3s",
        "--no-output-dir", "--resume", "--json");
    assertThat(resumed.waitFor(3, TimeUnit.MINUTES)).isTrue();
    String text = Files.readString(resumedOut, StandardCharsets.UTF_8);
    assertThat(resumed.exitValue()).as(text).isZero();
    assertThat(text).contains("never ended (its process died?): waiting for it");
    JsonNode result = lastJson(text);
    assertThat(result.get("status").asText()).isEqualTo("SUCCEEDED");
    JsonNode train = step(result, "penguins.train_epochs");
    assertThat(train.get("attempts").asInt()).as("the killed attempt and the one that resumed")
        .isEqualTo(2);
    assertThat(train.get("checkpoints").asLong()).isEqualTo(EPOCHS);
    assertThat(output(result, "resumedAfterEpoch").asLong())
        .as("it continued from the last checkpoint, not from epoch 0").isEqualTo(atKill);

    Path referenceOut = dir.resolve("reference.txt");
    Process reference = fancy(referenceOut, "run", "penguins.train_resumable", "--config",
        "examples/penguins/resumable.yaml", "--set", "pauseMillis=0", "--no-output-dir",
        "--json");
    assertThat(reference.waitFor(3, TimeUnit.MINUTES)).isTrue();
    String referenceText = Files.readString(referenceOut, StandardCharsets.UTF_8);
    assertThat(reference.exitValue()).as(referenceText).isZero();
    JsonNode uninterrupted = lastJson(referenceText);
    assertThat(output(uninterrupted, "resumedAfterEpoch").asLong()).isZero();
    assertThat(output(result, "parametersSha256"))
        .as("bit-identical parameters").isEqualTo(output(uninterrupted, "parametersSha256"));
    assertThat(output(result, "weights")).isEqualTo(output(uninterrupted, "weights"));
    assertThat(output(result, "accuracy").asDouble()).isBetween(0.95, 1.0);
  }

  private static Process fancy(Path out, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("cli/target/fancy").toString());
    command.addAll(List.of(args));
    command.add("--class-path");
    command.add("examples/target/classes:examples/target/lib/*");
    return new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
  }

  /**
   * Polls the journal (through the engine contract, as another process would) until the
   * training step shows {@code count} checkpoints; returns how many it saw.
   */
  private static long awaitCheckpoints(Path journal, Process process, int count,
      Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    try (Journal opened = readOnlyWhenReady(journal, process, end);
        DurableEngine engine = DurableEngine.builder(opened).registry(StepRegistry.empty())
            .open()) {
      while (true) {
        List<RunInfo> runs = engine.runs(RunQuery.builder().build()).runs();
        if (!runs.isEmpty()) {
          long checkpoints = trainStep(engine, runs.get(0)).checkpoints();
          if (checkpoints >= count) {
            return checkpoints;
          }
          assertThat(runs.get(0).status()).as("still training").isEqualTo(RunStatus.RUNNING);
        }
        requireBefore(end, process, count + " checkpoints");
      }
    }
  }

  /** {@link #readOnly} once the journal exists and is migrated. */
  private static Journal readOnlyWhenReady(Path journal, Process process, long end) {
    while (true) {
      try {
        return readOnly(journal);
      } catch (JournalException notYet) { // not created, or not migrated, yet
        requireBefore(end, process, "the journal");
      }
    }
  }

  /** The journal opened read-only: watching it never takes the run over. */
  private static Journal readOnly(Path journal) {
    return Journal.open(journal, JournalOptions.builder().readOnly(true).build());
  }

  private static void requireBefore(long end, Process process, String what) {
    assertThat(process.isAlive()).as("fancy died before " + what).isTrue();
    assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(end);
    LockSupport.parkNanos(20_000_000);
  }

  private static RunInfo onlyRun(DurableEngine engine) {
    List<RunInfo> runs = engine.runs(RunQuery.builder().build()).runs();
    assertThat(runs).hasSize(1);
    return runs.get(0);
  }

  private static StepRecord trainStep(DurableEngine engine, RunInfo run) {
    return engine.handle(run.runId()).history().steps().stream()
        .filter(step -> step.slug().equals("penguins.train_epochs")).findFirst().orElseThrow();
  }

  private static JsonNode lastJson(String text) throws Exception {
    String[] lines = text.strip().split("\n");
    return JsonMapper.builder().build().readTree(lines[lines.length - 1]);
  }

  private static JsonNode step(JsonNode result, String slug) {
    for (JsonNode step : result.get("steps")) {
      if (step.get("slug").asText().equals(slug)) {
        return step;
      }
    }
    throw new AssertionError("no step " + slug + " in " + result);
  }

  private static JsonNode output(JsonNode result, String name) {
    for (Map.Entry<String, JsonNode> output : result.get("outputs").properties()) {
      if (output.getKey().endsWith(name)) {
        return output.getValue();
      }
    }
    throw new AssertionError("no output " + name + " in " + result);
  }
}
