package dev.fancy.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.run.RunStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JournalStore#snapshot}: the reads of one body see one committed state, however many
 * queries they take, and the connection is usable by the next query however the body ended.
 */
class JournalSnapshotTest {

  @TempDir
  Path dir;
  private JournalStore store;
  private Lease lease;

  @BeforeEach
  void openWithARunningRun() {
    store = JournalStore.open(dir.resolve("journal.db"));
    lease = store.runTable().create(new RunTable.NewRun(UUID.randomUUID(), "hash", "workflow",
        "{}", "{}", "{}", Map.of()), "me", Instant.now().plusSeconds(60)).orElseThrow();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Optional<RunStatus> status() {
    return store.runStatus(lease.runId());
  }

  @Test
  void readsInsideASnapshotDoNotSeeACommitMadeAfterTheFirstRead() {
    RunStatus before = status().orElseThrow();
    RunStatus[] inside = store.snapshot("test", () -> {
      RunStatus first = status().orElseThrow();
      store.runTable().finish(lease, RunStatus.SUCCEEDED, null); // commits on another connection
      RunStatus second = status().orElseThrow();
      RunStatus nested = store.snapshot("nested", () -> status().orElseThrow());
      return new RunStatus[] {first, second, nested};
    });

    assertThat(before).isNotEqualTo(RunStatus.SUCCEEDED);
    assertThat(inside).containsExactly(before, before, before);
    assertThat(status()).contains(RunStatus.SUCCEEDED); // the next read, on the same connection
  }

  @Test
  void aSnapshotWhoseBodyFailedLeavesNoStaleViewBehind() {
    assertThatThrownBy(() -> store.snapshot("test", () -> {
      status();
      throw new IllegalStateException("the body failed");
    })).isInstanceOf(IllegalStateException.class).hasMessage("the body failed");

    store.runTable().finish(lease, RunStatus.FAILED, "boom");
    assertThat(status()).contains(RunStatus.FAILED);
  }
}
