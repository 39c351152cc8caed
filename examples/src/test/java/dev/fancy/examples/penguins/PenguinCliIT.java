package dev.fancy.examples.penguins;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The penguins sweep as examples/cli.sh runs it: {@code fancy workflow parallel penguins.train
 * --workers 2 --isolate process}, from the repository's root. The best accuracy it prints is in
 * [0.95, 1.0].
 */
class PenguinCliIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void sweepInTwoChildProcessesPrintsTheBestAccuracy(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out.txt");
    Path csv = dir.resolve("results.csv");
    Process fancy = new ProcessBuilder(ROOT.resolve("cli/target/fancy").toString(), "workflow",
        "parallel", "penguins.train", "--class-path",
        "examples/target/classes:examples/target/lib/*", "--config",
        "examples/penguins/sweep.yaml", "--workers", "2", "--isolate", "process",
        "--rank-by", "accuracy", "--out", csv.toString())
        .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(fancy.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(fancy.exitValue()).as(text).isZero();
    assertThat(text).contains("workflow 'penguins.train': 24 configs, 24 succeeded, 0 did not");
    Matcher best = Pattern.compile("best accuracy.out: ([0-9.]+) \\(#\\d+ : .*model=(\\w+)")
        .matcher(text);
    assertThat(best.find()).as(text).isTrue();
    assertThat(Double.parseDouble(best.group(1))).isBetween(0.95, 1.0);
    List<String> rows = Files.readAllLines(csv);
    assertThat(rows).hasSize(25);
    assertThat(rows.get(0)).contains("input.model", "input.learningRate", "input.epochs",
        "output.accuracy.out");
  }

  @Test
  void fourStagePipelineRunsInTurnAndWritesItsReport(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("pipeline.yaml"), Files.readString(
        ROOT.resolve("examples/penguins/pipeline.yaml")).replace("examples/target/cli/",
        dir + "/"));
    Path out = dir.resolve("out.txt");
    Process fancy = new ProcessBuilder(ROOT.resolve("cli/target/fancy").toString(), "workflow",
        "sequential", "penguins.preprocess", "penguins.fit", "penguins.evaluate",
        "penguins.report", "--class-path", "examples/target/classes:examples/target/lib/*",
        "--config", config.toString())
        .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(fancy.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(fancy.exitValue()).as(text).isZero();
    assertThat(text).contains("[1/4] penguins.preprocess: SUCCEEDED", "[4/4] penguins.report: "
        + "SUCCEEDED");
    assertThat(Files.readString(dir.resolve("report.md"))).startsWith(
        "# Penguin species classifier\n\nAccuracy on 103 held-out penguins: 0.990");
  }
}
