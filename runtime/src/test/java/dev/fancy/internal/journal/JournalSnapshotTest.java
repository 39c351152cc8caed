package dev.fancy.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.run.RunStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JournalStore#snapshot}: the reads of one body see one committed state, however many
 * queries they take, and no read transaction outlives its body, however the body ended.
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
  void readsInsideASnapshotDoNotSeeACommitMadeAfterTheFirstRead() throws SQLException {
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
    assertThat(status()).contains(RunStatus.SUCCEEDED);
    assertNoReadTransactionHoldsTheWal();
  }

  @Test
  void aSnapshotWhoseBodyFailedLeavesNoStaleViewBehind() throws SQLException {
    assertThatThrownBy(() -> store.snapshot("test", () -> {
      status();
      throw new IllegalStateException("the body failed");
    })).isInstanceOf(IllegalStateException.class).hasMessage("the body failed");

    store.runTable().finish(lease, RunStatus.FAILED, "boom");
    assertThat(status()).contains(RunStatus.FAILED);
    assertNoReadTransactionHoldsTheWal();
  }

  /**
   * A read transaction left open on a pooled connection would pin the WAL: a TRUNCATE
   * checkpoint from another connection could never finish. Retried until a deadline, since the
   * journal's own background checkpoint may be running at the moment of one try.
   */
  private void assertNoReadTransactionHoldsTheWal() throws SQLException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(
        "journal.db"))) {
      int busy;
      do {
        try (Statement statement = other.createStatement();
            ResultSet row = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
          row.next();
          busy = row.getInt(1);
        }
      } while (busy != 0 && System.nanoTime() < deadline);
      assertThat(busy).as("a TRUNCATE checkpoint is busy: a read transaction was left open")
          .isZero();
    }
  }
}
