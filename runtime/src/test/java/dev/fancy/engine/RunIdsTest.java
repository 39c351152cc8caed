package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.Bind;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run IDs are time-ordered version 7 UUIDs (RFC 9562), whichever engine makes them, so that the
 * journal's indexes, keyed by run ID first, grow at one edge.
 */
class RunIdsTest {

  @TempDir
  Path dir;

  /** The Unix milliseconds in a version 7 UUID's first 48 bits. */
  private static long millis(UUID id) {
    return id.getMostSignificantBits() >>> 16;
  }

  private static void assertVersion7Made(UUID id, long notBefore, long notAfter) {
    assertThat(id.version()).as("version of %s", id).isEqualTo(7);
    assertThat(id.variant()).as("variant of %s", id).isEqualTo(2); // RFC 9562
    assertThat(millis(id)).as("time in %s", id).isBetween(notBefore, notAfter);
  }

  @Test
  void newRunIdsAreVersion7CarryTheirTimeAndAreUnique() {
    long before = System.currentTimeMillis();
    Set<UUID> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(RunOptions.newRunId());
    }
    long after = System.currentTimeMillis();
    assertThat(ids).hasSize(100_000);
    for (UUID id : ids) {
      assertVersion7Made(id, before, after);
    }
  }

  @Test
  void idsFromLaterMillisecondsSortAfterEarlierOnes() {
    UUID first = RunOptions.newRunId();
    UUID later;
    do {
      later = RunOptions.newRunId();
    } while (millis(later) == millis(first));
    // The journal stores IDs as text: their string order is their time order.
    assertThat(later.toString()).isGreaterThan(first.toString());
  }

  @Test
  void bothEnginesGiveRunsVersion7Ids() {
    JournalKit kit = new JournalKit();
    Workflow workflow = JournalKit.chain("test.fragile");
    long before = System.currentTimeMillis();
    try (Engine memory = Engine.builder().registry(kit.registry()).build()) {
      UUID id = memory.start(workflow, Bind.inputs(workflow, Map.of("x", 1))).id();
      assertVersion7Made(id, before, System.currentTimeMillis());
      assertThat(memory.handle(id).await()).isEqualTo(RunStatus.SUCCEEDED);
    }
    try (Journal journal = kit.open(dir.resolve("journal.db"));
        DurableEngine durable = DurableEngine.builder(journal).registry(kit.registry()).open()) {
      UUID id = durable.start(workflow, Bind.inputs(workflow, Map.of("x", 1))).id();
      assertVersion7Made(id, before, System.currentTimeMillis());
      assertThat(durable.handle(id).await()).isEqualTo(RunStatus.SUCCEEDED);
    }
  }
}
