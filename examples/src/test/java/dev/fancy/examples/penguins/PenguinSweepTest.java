package dev.fancy.examples.penguins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.config.ConfigFile;
import dev.fancy.config.Sweep;
import dev.fancy.config.SweepResult;
import dev.fancy.engine.Engine;
import dev.fancy.run.WorkflowEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The penguins sweep of {@code examples/penguins/sweep.yaml} on the real data: 24 configs, all
 * succeed, and the best held-out accuracy is in [0.95, 1.0] (a linear model on the four
 * measurements separates the three species well; the sweep's best is 0.990 with seed 7).
 */
class PenguinSweepTest {
  /** Tests run in the module's folder; the sweep's paths are relative to the repository. */
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void dataIsTheCheckedCopy() throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(
        ROOT.resolve("examples/data/penguins.json")), sha)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    assertThat(HexFormat.of().formatHex(sha.digest()))
        .isEqualTo("0facf769609f1205b82cbceb8238c36af3e6147a0ca0e163902cc6281ce3e917");
  }

  @Test
  void sweepOf24ConfigsFindsAnAccurateModel() {
    ConfigFile file = ConfigFile.load(ROOT.resolve("examples/penguins/sweep.yaml"));
    assertThat(file.configs().size()).hasValue(24);
    SweepResult result;
    try (WorkflowEngine engine = Engine.inMemory()) {
      result = Sweep.of(engine, PenguinWorkflow.workflow(),
          file.configs().times(dev.fancy.config.ConfigGenerator.of(dev.fancy.config.Config
              .empty().with("data", ROOT.resolve("examples/data/penguins.json")))))
          .parallelism(2).run();
    }
    assertThat(result.rows()).hasSize(24);
    assertThat(result.allSucceeded()).as(result.table()).isTrue();
    SweepResult.Row best = result.best("accuracy.out", true).orElseThrow();
    double accuracy = best.output("accuracy.out").asDouble();
    assertThat(accuracy).isBetween(0.95, 1.0);
    SweepResult.Row worst = result.best("accuracy.out", false).orElseThrow();
    assertThat(worst.output("accuracy.out").asDouble()).isLessThan(accuracy);
  }
}
