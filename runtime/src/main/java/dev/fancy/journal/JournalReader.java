package dev.fancy.journal;

import dev.fancy.engine.RunStatus;
import dev.fancy.engine.StepStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Queries of the journal on a connection of their own that only reads ({@code query_only}): in
 * WAL mode readers see the last committed state and never wait for the writer, nor it for them.
 * Thread-safe (serialized access to the one connection).
 */
final class JournalReader implements AutoCloseable {

  /** A query on the read connection. */
  private interface Query<T> {
    T run() throws SQLException;
  }

  /**
   * A committed attempt as stored.
   *
   * @param stepId the workflow step
   * @param attempt its number
   * @param outputs the inline outputs JSON
   * @param valueFiles the positions kept in files (JSON), or null
   */
  record CommittedRow(UUID stepId, int attempt, String outputs, String valueFiles) {}

  private static final String RUN_COLUMNS = "SELECT r.id, w.name, r.workflow_hash, r.status, "
      + "r.error, r.owner, r.epoch, r.lease_until, r.created_at, r.finished_at FROM runs r "
      + "JOIN workflows w ON w.hash = r.workflow_hash ";

  private final Path file;
  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  JournalReader(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  private synchronized <T> T read(String what, Query<T> query) {
    try {
      return query.run();
    } catch (SQLException e) {
      reset();
      throw JournalFailures.of(file, what, e);
    }
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  private void reset() {
    for (PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // prepared again on next use
      }
    }
    statements.clear();
  }

  Optional<RunInfo> run(UUID runId) {
    List<RunInfo> runs = runs("WHERE r.id = ?", runId.toString());
    return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
  }

  /** Runs matching {@code where} (with string parameters), newest first. */
  List<RunInfo> runs(String where, String... parameters) {
    return read("list runs", () -> {
      PreparedStatement query = prepare(RUN_COLUMNS + where
          + " ORDER BY r.created_at DESC, r.id");
      for (int i = 0; i < parameters.length; i++) {
        query.setString(i + 1, parameters[i]);
      }
      List<RunInfo> runs = new ArrayList<>();
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          runs.add(new RunInfo(UUID.fromString(row.getString(1)), row.getString(2),
              row.getString(3), RunStatus.valueOf(row.getString(4)), row.getString(5),
              row.getString(6), row.getLong(7), instant(row, 8), instant(row, 9),
              instant(row, 10)));
        }
      }
      return runs;
    });
  }

  /** IDs of running runs nobody holds: no owner, or the owner's lease ran out before {@code now}. */
  List<UUID> claimable(Instant now) {
    return read("list claimable runs", () -> {
      PreparedStatement query = prepare("SELECT id FROM runs WHERE status = 'RUNNING' AND "
          + "(owner IS NULL OR lease_until < ?) ORDER BY created_at, id");
      query.setLong(1, now.toEpochMilli());
      List<UUID> ids = new ArrayList<>();
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          ids.add(UUID.fromString(row.getString(1)));
        }
      }
      return ids;
    });
  }

  private static Instant instant(ResultSet row, int column) throws SQLException {
    long millis = row.getLong(column);
    return row.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  List<StepInfo> steps(UUID runId) {
    return read("list the steps of run " + runId, () -> {
      PreparedStatement query = prepare("SELECT step_id, slug, version, status, attempts, error "
          + "FROM steps WHERE run_id = ? ORDER BY updated_at, step_id");
      query.setString(1, runId.toString());
      List<StepInfo> steps = new ArrayList<>();
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          steps.add(new StepInfo(UUID.fromString(row.getString(1)), row.getString(2),
              row.getInt(3), StepStatus.valueOf(row.getString(4)), row.getInt(5),
              row.getString(6)));
        }
      }
      return steps;
    });
  }

  List<AttemptInfo> attempts(UUID runId) {
    return read("list the attempts of run " + runId, () -> {
      PreparedStatement query = prepare("SELECT idempotency_key, step_id, attempt, status, "
          + "error_type, error_message, started_at, ended_at FROM attempts WHERE run_id = ? "
          + "ORDER BY rowid");
      query.setString(1, runId.toString());
      List<AttemptInfo> attempts = new ArrayList<>();
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          attempts.add(new AttemptInfo(row.getString(1), UUID.fromString(row.getString(2)),
              row.getInt(3), AttemptStatus.valueOf(row.getString(4)), row.getString(5),
              row.getString(6), instant(row, 7), instant(row, 8)));
        }
      }
      return attempts;
    });
  }

  /** One text column of a run ({@code inputs} or {@code options}), or empty if no such run. */
  Optional<String> runColumn(UUID runId, String column) {
    return read("read the " + column + " of run " + runId, () -> {
      PreparedStatement query = prepare("SELECT " + column + " FROM runs WHERE id = ?");
      query.setString(1, runId.toString());
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.<String>empty();
      }
    });
  }

  /** The workflow JSON stored under {@code hash}, or empty. */
  Optional<String> workflow(String hash) {
    return read("read workflow " + hash, () -> {
      PreparedStatement query = prepare("SELECT definition FROM workflows WHERE hash = ?");
      query.setString(1, hash);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
      }
    });
  }

  /** The committed attempt of every step of a run that committed one. */
  List<CommittedRow> committed(UUID runId) {
    return read("read the committed steps of run " + runId, () -> {
      PreparedStatement query = prepare("SELECT step_id, attempt, outputs, value_files FROM "
          + "attempts WHERE run_id = ? AND status = 'SUCCEEDED'");
      query.setString(1, runId.toString());
      List<CommittedRow> rows = new ArrayList<>();
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          rows.add(new CommittedRow(UUID.fromString(row.getString(1)), row.getInt(2),
              row.getString(3), row.getString(4)));
        }
      }
      return rows;
    });
  }

  /** The usage JSON of every attempt of a run that reported some. */
  List<String> usage(UUID runId) {
    return read("read the usage of run " + runId, () -> {
      PreparedStatement query =
          prepare("SELECT usage FROM attempts WHERE run_id = ? AND usage IS NOT NULL");
      query.setString(1, runId.toString());
      List<String> usage = new ArrayList<>();
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          usage.add(row.getString(1));
        }
      }
      return usage;
    });
  }

  /** {@code PRAGMA user_version}. */
  int schemaVersion() {
    return read("read the schema version", () -> JournalSchema.version(connection));
  }

  /**
   * The problems {@code PRAGMA quick_check} (or {@code integrity_check} if {@code full}) finds,
   * at most ten; empty if the file is sound.
   */
  List<String> check(boolean full) {
    return read("check the journal's integrity", () -> {
      List<String> problems = new ArrayList<>();
      try (Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery(full ? "PRAGMA integrity_check(10)"
              : "PRAGMA quick_check(10)")) {
        while (row.next()) {
          String line = row.getString(1);
          if (!"ok".equals(line)) {
            problems.add(line);
          }
        }
      }
      return problems;
    });
  }

  @Override
  public synchronized void close() {
    reset();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing left to lose: reads only
    }
  }
}
