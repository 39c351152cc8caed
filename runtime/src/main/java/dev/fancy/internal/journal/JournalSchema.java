package dev.fancy.internal.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.journal.JournalException;
import dev.fancy.run.RunEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal's SQL schema as forward migrations: migration {@code i} (from 0) takes a database at
 * version {@code i} to version {@code i + 1}; {@code PRAGMA user_version} holds the version. All
 * pending migrations run in one {@code IMMEDIATE} transaction that first re-reads the version, so
 * processes opening one journal at the same time migrate it once.
 *
 * <p>Version 2 adds the lease epoch (fencing) and the run's options to {@code runs}, and to
 * {@code attempts} the positions of outputs kept in files (out of band, replacing version 1's
 * in-band {@code {"$file": ...}} markers) and the attempt's usage; attempts left {@code RUNNING}
 * in finished runs become {@code ABANDONED}.
 *
 * <p>Version 3 adds the runs' numbered events ({@code events}, the engine contract's
 * {@code RunEvent}s as JSON), their labels ({@code runs.labels} as JSON and {@code run_labels},
 * one row per label, for queries) and an index of runs by creation time for paging.
 *
 * <p>Version 4 adds the steps' checkpoints ({@code checkpoints}: per run and workflow step the
 * latest value a step recorded through {@code frame.checkpoint}, as JSON, its number, which counts
 * every checkpoint the step recorded in the run, and the attempt that recorded it).
 *
 * <p>Version 5 makes {@code events} a {@code WITHOUT ROWID} table clustered on its primary key
 * {@code (run_id, seq)}: an event row is written to one B-tree instead of a table and its key's
 * index (half of a run's journal writes are event rows). The rows are copied as they are.
 */
final class JournalSchema {
  private JournalSchema() {}

  /** One step of the schema's history. */
  private interface Migration {
    void apply(Connection connection, ObjectMapper mapper) throws SQLException;
  }

  private static final List<Migration> MIGRATIONS = List.of(
      (connection, mapper) -> execute(connection,
          "CREATE TABLE workflows (hash TEXT PRIMARY KEY, name TEXT NOT NULL, "
              + "definition TEXT NOT NULL, created_at INTEGER NOT NULL)",
          "CREATE TABLE runs (id TEXT PRIMARY KEY, "
              + "workflow_hash TEXT NOT NULL REFERENCES workflows(hash), status TEXT NOT NULL, "
              + "inputs TEXT NOT NULL, error TEXT, owner TEXT, lease_until INTEGER, "
              + "created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at INTEGER)",
          "CREATE INDEX runs_by_status ON runs(status)",
          "CREATE TABLE steps (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
              + "step_id TEXT NOT NULL, slug TEXT NOT NULL, version INTEGER NOT NULL, "
              + "status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, error TEXT, "
              + "updated_at INTEGER NOT NULL, PRIMARY KEY (run_id, step_id))",
          "CREATE TABLE attempts (idempotency_key TEXT PRIMARY KEY, "
              + "run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
              + "step_id TEXT NOT NULL, attempt INTEGER NOT NULL, status TEXT NOT NULL, "
              + "outputs TEXT, error_type TEXT, error_message TEXT, started_at INTEGER NOT NULL, "
              + "ended_at INTEGER, UNIQUE (run_id, step_id, attempt))"),
      (connection, mapper) -> {
        execute(connection,
            "ALTER TABLE runs ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE runs ADD COLUMN options TEXT",
            "ALTER TABLE attempts ADD COLUMN value_files TEXT",
            "ALTER TABLE attempts ADD COLUMN usage TEXT",
            "UPDATE attempts SET status = 'ABANDONED', ended_at = COALESCE(ended_at, started_at) "
                + "WHERE status = 'RUNNING' AND run_id IN "
                + "(SELECT id FROM runs WHERE status <> 'RUNNING')");
        moveFileMarkersOutOfBand(connection, mapper);
      },
      (connection, mapper) -> execute(connection,
          "CREATE TABLE events (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
              + "seq INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (run_id, seq))",
          "ALTER TABLE runs ADD COLUMN labels TEXT",
          "CREATE TABLE run_labels (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
              + "key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key))",
          "CREATE INDEX run_labels_by_value ON run_labels(key, value)",
          "CREATE INDEX runs_by_created ON runs(created_at, id)"),
      (connection, mapper) -> execute(connection,
          "CREATE TABLE checkpoints (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
              + "step_id TEXT NOT NULL, number INTEGER NOT NULL, attempt INTEGER NOT NULL, "
              + "value TEXT NOT NULL, recorded_at INTEGER NOT NULL, "
              + "PRIMARY KEY (run_id, step_id))"),
      (connection, mapper) -> execute(connection,
          "CREATE TABLE events_v5 (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
              + "seq INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (run_id, seq)) "
              + "WITHOUT ROWID",
          "INSERT INTO events_v5 (run_id, seq, event) SELECT run_id, seq, event FROM events",
          "DROP TABLE events",
          "ALTER TABLE events_v5 RENAME TO events"));

  /** The schema version this code writes. */
  static int current() {
    return MIGRATIONS.size();
  }

  /**
   * Creates the schema of version {@code version} (at most {@link #current()}) in an empty
   * database: for tests that open a journal written by an earlier Fancy.
   */
  static void createVersion(Connection connection, ObjectMapper mapper, int version)
      throws SQLException {
    for (int v = version(connection); v < version; v++) {
      MIGRATIONS.get(v).apply(connection, mapper);
    }
    execute(connection, "PRAGMA user_version=" + version);
  }

  /**
   * Brings the journal to the current version.
   *
   * @throws JournalException if the file was written by a newer Fancy
   * @throws SQLException if a migration fails (it is rolled back)
   */
  static void migrate(Connection connection, Path file, ObjectMapper mapper) throws SQLException {
    if (version(connection) == current()) {
      return;
    }
    execute(connection, "BEGIN IMMEDIATE");
    try {
      int version = version(connection);
      if (version > current()) {
        throw new JournalException("the journal " + file + " has schema version " + version
            + ", written by a newer Fancy; this Fancy reads up to version " + current()
            + ". Upgrade Fancy, or use another journal file", null);
      }
      for (int v = version; v < current(); v++) {
        MIGRATIONS.get(v).apply(connection, mapper);
      }
      execute(connection, "PRAGMA user_version=" + current());
      execute(connection, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      try {
        execute(connection, "ROLLBACK");
      } catch (SQLException ignored) {
        // rolled back by SQLite already
      }
      throw e;
    }
  }

  /** {@code PRAGMA user_version}. */
  static int version(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("PRAGMA user_version")) {
      return row.next() ? row.getInt(1) : 0;
    }
  }

  private static void execute(Connection connection, String... statements) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  /**
   * Version 1 wrote large outputs to {@code <run>/<key with : as _>-<position>.json} and put
   * {@code {"$file": "<run>/<that name>"}} in the row. A marker that names exactly the file its
   * own row would have written is genuine: it becomes a {@code value_files} position. Any other
   * object of that shape was a step's own data and stays as it is.
   */
  private static void moveFileMarkersOutOfBand(Connection connection, ObjectMapper mapper)
      throws SQLException {
    record Row(String key, String runId, ArrayNode outputs) {}
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement("SELECT idempotency_key, run_id, "
        + "outputs FROM attempts WHERE outputs LIKE '%\"$file\"%'");
        ResultSet row = query.executeQuery()) {
      while (row.next()) {
        try {
          JsonNode outputs = mapper.readTree(row.getString(3));
          if (outputs instanceof ArrayNode array) {
            rows.add(new Row(row.getString(1), row.getString(2), array));
          }
        } catch (java.io.IOException corrupt) {
          // left as it is; reading the run reports it
        }
      }
    }
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE attempts SET outputs = ?, value_files = ? WHERE idempotency_key = ?")) {
      for (Row row : rows) {
        ArrayNode positions = mapper.createArrayNode();
        for (int i = 0; i < row.outputs().size(); i++) {
          JsonNode value = row.outputs().get(i);
          String expected = row.runId() + "/" + row.key().replace(':', '_') + "-" + i + ".json";
          if (value.isObject() && value.size() == 1 && value.path("$file").asText("")
              .equals(expected)) {
            row.outputs().set(i, mapper.nullNode());
            positions.add(i);
          }
        }
        if (!positions.isEmpty()) {
          update.setString(1, row.outputs().toString());
          update.setString(2, positions.toString());
          update.setString(3, row.key());
          update.executeUpdate();
        }
      }
    }
  }
}
