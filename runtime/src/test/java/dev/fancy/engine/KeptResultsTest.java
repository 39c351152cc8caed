package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable engine's kept results are bounded by the heap: a small heap with large outputs
 * never fails a run and every result stays readable (docs/durability.md, "Kept results").
 */
class KeptResultsTest {

  @TempDir
  Path dir;

  @Test
  void manyRunsWithLargeOutputsSucceedUnderASmallHeap() throws Exception {
    Path log = dir.resolve("child.log");
    Files.createFile(log);
    // 21,000 integers of six digits: about 150 KB of JSON per output, several times that as
    // decoded Integer objects; 400 such runs kept whole would need far more than 128 MiB.
    Process child = ChildJvm.start(log, List.of("-Xmx128m"), KeptResultsWorker.class,
        dir.resolve("kept.db"), 400, 21_000);
    try {
      assertThat(child.waitFor(300, TimeUnit.SECONDS)).as("the child finishes").isTrue();
    } finally {
      child.destroyForcibly().waitFor();
    }
    assertThat(child.exitValue()).as("the child wrote:%n%s", ChildJvm.tail(log)).isZero();
  }
}
