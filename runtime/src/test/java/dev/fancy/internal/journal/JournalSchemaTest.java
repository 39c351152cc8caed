package dev.fancy.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.journal.JournalOptions;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a journal written by the previous schema version migrates it and keeps its rows. */
class JournalSchemaTest {

  @TempDir
  Path dir;

  @Test
  void aVersion4JournalKeepsItsEventsInAWithoutRowidTableAndStaysWritable() throws Exception {
    Path file = dir.resolve("journal.db");
    UUID run = UUID.randomUUID();
    Instant at = Instant.parse("2026-11-30T10:00:00Z");
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      JournalSchema.createVersion(connection, JournalJson.MAPPER, 4);
      statement.execute("INSERT INTO workflows VALUES ('hash', 'old', '{}', 0)");
      statement.execute("INSERT INTO runs (id, workflow_hash, status, inputs, created_at, "
          + "updated_at, finished_at) VALUES ('" + run + "', 'hash', 'SUCCEEDED', '{}', 0, 0, 0)");
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO events (run_id, seq, event) VALUES (?, ?, ?)")) {
        for (RunEvent event : List.of(
            new RunEvent(1, run, at, RunEvent.Type.RUN_STARTED, null, null, 0, null, null, null,
                null, null),
            new RunEvent(2, run, at.plusSeconds(1), RunEvent.Type.RUN_FINISHED, null, null, 0,
                "SUCCEEDED", null, null, null, null))) {
          insert.setString(1, run.toString());
          insert.setLong(2, event.sequence());
          insert.setString(3, JournalJson.write(event));
          insert.executeUpdate();
        }
      }
      assertThat(JournalSchema.version(connection)).isEqualTo(4);
    }

    try (JournalStore store = JournalStore.open(file, JournalOptions.DEFAULT)) {
      assertThat(store.schemaVersion()).isEqualTo(JournalSchema.current()).isEqualTo(5);
      assertThat(store.events(run, 1)).extracting(RunEvent::sequence, RunEvent::type)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, RunEvent.Type.RUN_STARTED),
              org.assertj.core.groups.Tuple.tuple(2L, RunEvent.Type.RUN_FINISHED));
      assertThat(store.lastEventSequence(run)).isEqualTo(2);
      assertThat(store.run(run).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(store.deleteRun(run)).as("the foreign key still cascades").isTrue();
      assertThat(store.events(run, 1)).isEmpty();
    }
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).contains("WITHOUT ROWID").contains("ON DELETE CASCADE");
    }
  }
}
