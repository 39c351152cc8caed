package dev.fancy.internal.journal;

import dev.fancy.run.AttemptStatus;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepStatus;
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
import java.util.concurrent.TimeUnit;

/**
 * Queries of the journal on connections of their own that only read ({@code query_only}): in
 * WAL mode readers see the last committed state and never wait for the writer, nor it for them,
 * nor for each other. Up to {@link #MAX_CONNECTIONS} queries run at once, each on a connection
 * of a small pool opened on demand (one connection used to serialize every query: a hundred
 * event streams polling it made each run's submission wait behind them). Thread-safe.
 */
final class JournalReader implements AutoCloseable {

  /** The most read connections one journal opens. */
  static final int MAX_CONNECTIONS = 4;

  /** A query on a read connection. */
  private interface Query<T> {
    T run() throws SQLException;
  }

  /** Opens a read connection. */
  interface Opener {
    Connection open() throws SQLException;
  }

  /** One read connection and the statements prepared on it. */
  private static final class Reader {
    final StatementCache statements;

    Reader(Connection connection) {
      this.statements = new StatementCache(connection);
    }

    void reset() {
      statements.reset();
    }

    /**
     * Set when a snapshot's read transaction may not have ended (its COMMIT failed): the
     * connection must not serve another query. (sqlite-jdbc sets its auto-commit flag before it
     * commits, so the flag alone cannot tell.)
     */
    boolean stale;

    /** Whether the connection is outside any transaction, so that another query may have it. */
    boolean reusable() {
      try {
        return !stale && statements.connection().getAutoCommit();
      } catch (SQLException e) {
        return false;
      }
    }

    void close() {
      reset();
      try {
        statements.connection().close();
      } catch (SQLException ignored) {
        // nothing left to lose: reads only
      }
    }
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

  /** Reads a run's labels column (a JSON object of strings). */
  private static final com.fasterxml.jackson.databind.ObjectReader LABELS =
      JournalJson.MAPPER.readerFor(new com.fasterxml.jackson.core.type.TypeReference<
          java.util.Map<String, String>>() {});

  private static final String RUN_COLUMNS = "SELECT r.id, w.name, r.workflow_hash, r.status, "
      + "r.error, r.owner, r.epoch, r.lease_until, r.created_at, r.finished_at, r.labels "
      + "FROM runs r JOIN workflows w ON w.hash = r.workflow_hash ";

  private final Path file;
  private final Opener opener;
  /** Idle connections. */
  private final java.util.concurrent.LinkedBlockingDeque<Reader> idle =
      new java.util.concurrent.LinkedBlockingDeque<>();
  private final java.util.concurrent.atomic.AtomicInteger opened =
      new java.util.concurrent.atomic.AtomicInteger();
  /** The connection of the query this thread runs (a query may call another). */
  private final ThreadLocal<Reader> current = new ThreadLocal<>();
  private volatile boolean closed;

  /**
   * @param connection the first read connection
   * @param opener opens more, up to {@link #MAX_CONNECTIONS} in all
   */
  JournalReader(Path file, Connection connection, Opener opener) {
    this.file = file;
    this.opener = opener;
    idle.add(new Reader(connection));
    opened.set(1);
  }

  private <T> T read(String what, Query<T> query) {
    if (current.get() != null) {
      return run(what, query, current.get());
    }
    Reader reader = acquire(what);
    current.set(reader);
    try {
      return run(what, query, reader);
    } finally {
      current.remove();
      if (closed) {
        reader.close();
      } else if (reader.reusable()) {
        idle.addFirst(reader);
      } else { // a snapshot that could not end: its stale view must not serve another query
        reader.close();
        opened.decrementAndGet(); // a waiting acquire opens another in its place
      }
    }
  }

  /**
   * Runs {@code body} in one read transaction on one connection, so that every read it makes
   * through this reader on this thread sees the same committed state of the journal (SQLite's
   * snapshot isolation in WAL mode: the snapshot is taken at the first read and kept until the
   * transaction ends; writers go on meanwhile). Called while this thread already reads (inside
   * another snapshot's body), it joins that read's connection and transaction.
   *
   * @param what what the body reads, for messages ("read the history of run ...")
   * @throws dev.fancy.journal.JournalException if the transaction cannot begin or end, or a read
   *     fails; a body's own exception is thrown as it is (a failure to end the transaction
   *     then suppressed in it)
   */
  <T> T snapshot(String what, java.util.function.Supplier<T> body) {
    if (current.get() != null) {
      return body.get();
    }
    return read(what, () -> {
      Reader reader = current.get();
      reader.statements.connection().setAutoCommit(false); // BEGIN (deferred): from first read
      T result;
      try {
        result = body.get();
      } catch (RuntimeException | Error e) {
        end(reader, e);
        throw e;
      }
      end(reader, null);
      return result;
    });
  }

  /** Ends a snapshot's read transaction; if that fails, the connection is marked stale. */
  private static void end(Reader reader, Throwable failure) throws SQLException {
    try {
      reader.statements.connection().setAutoCommit(true); // COMMIT
    } catch (SQLException e) {
      reader.stale = true;
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
    }
  }

  private <T> T run(String what, Query<T> query, Reader reader) {
    try {
      return query.run();
    } catch (SQLException e) {
      reader.reset();
      throw JournalFailures.of(file, what, e);
    }
  }

  /**
   * An idle connection, a new one while fewer than the most are open, or the next released
   * (looking again every 100 ms: a stale connection closed meanwhile leaves room to open one).
   */
  private Reader acquire(String what) {
    boolean interrupted = false;
    try {
      while (true) {
        if (closed) {
          throw new dev.fancy.journal.JournalException("cannot " + what + ": the journal "
              + file + " is closed", null);
        }
        Reader reader = idle.pollFirst();
        if (reader == null) {
          reader = open(what);
        }
        if (reader == null) {
          try {
            reader = idle.pollFirst(100, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            interrupted = true; // reads are short; keep the interrupt for the caller
          }
        }
        if (reader != null) {
          return reader;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * A new connection while fewer than {@link #MAX_CONNECTIONS} are open; null when that many
   * are, or when opening one failed while others are open (one of them will be released).
   *
   * @throws dev.fancy.journal.JournalException if no connection is open and none can be opened
   */
  private Reader open(String what) {
    int count = opened.get();
    while (count < MAX_CONNECTIONS) {
      if (opened.compareAndSet(count, count + 1)) {
        try {
          return new Reader(opener.open());
        } catch (SQLException e) {
          if (opened.decrementAndGet() == 0) {
            throw JournalFailures.of(file, what, e);
          }
          return null;
        }
      }
      count = opened.get();
    }
    return null;
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    return current.get().statements.prepare(sql);
  }

  private Connection connection() {
    return current.get().statements.connection();
  }

  /**
   * The status of the run with this ID, if recorded: one column of one row, for the checks that
   * need no more (whether a run exists, whether it ended) and are made for every event stream.
   */
  Optional<RunStatus> status(UUID runId) {
    return read("read the status of run " + runId, () -> {
      PreparedStatement query = prepare("SELECT status FROM runs WHERE id = ?");
      query.setString(1, runId.toString());
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(RunStatus.valueOf(row.getString(1)))
            : Optional.<RunStatus>empty();
      }
    });
  }

  Optional<JournalRun> run(UUID runId) {
    return read("read run " + runId, () -> {
      PreparedStatement query = prepare(RUN_COLUMNS + "WHERE r.id = ?");
      query.setString(1, runId.toString());
      List<JournalRun> runs = rows(query);
      return runs.isEmpty() ? Optional.<JournalRun>empty() : Optional.of(runs.get(0));
    });
  }

  /**
   * One page of runs matching {@code query}, newest first, plus one more if there is a next page.
   * The SQL is assembled only from fixed fragments; every value is a bound parameter.
   */
  List<JournalRun> runs(RunQuery query) {
    StringBuilder where = new StringBuilder("WHERE 1 = 1");
    List<Object> parameters = new ArrayList<>();
    if (!query.statuses().isEmpty()) {
      where.append(" AND r.status IN (")
          .append(String.join(", ", java.util.Collections.nCopies(query.statuses().size(), "?")))
          .append(')');
      query.statuses().stream().map(Enum::name).sorted().forEach(parameters::add);
    }
    if (query.workflowName() != null) {
      where.append(" AND w.name = ?");
      parameters.add(query.workflowName());
    }
    for (var label : new java.util.TreeMap<>(query.labels()).entrySet()) {
      where.append(" AND EXISTS (SELECT 1 FROM run_labels l WHERE l.run_id = r.id "
          + "AND l.key = ? AND l.value = ?)");
      parameters.add(label.getKey());
      parameters.add(label.getValue());
    }
    if (query.createdFrom() != null) {
      where.append(" AND r.created_at >= ?");
      parameters.add(query.createdFrom().toEpochMilli());
    }
    if (query.createdBefore() != null) {
      where.append(" AND r.created_at < ?");
      parameters.add(query.createdBefore().toEpochMilli());
    }
    if (query.cursor() != null) {
      var last = RunQuery.decodeCursor(query.cursor());
      where.append(" AND (r.created_at < ? OR (r.created_at = ? AND r.id < ?))");
      parameters.add(last.createdAt().toEpochMilli());
      parameters.add(last.createdAt().toEpochMilli());
      parameters.add(last.runId().toString());
    }
    String sql = RUN_COLUMNS + where + " ORDER BY r.created_at DESC, r.id DESC LIMIT ?";
    parameters.add(query.limit() + 1);
    return read("list runs", () -> {
      PreparedStatement statement = prepare(sql);
      for (int i = 0; i < parameters.size(); i++) {
        statement.setObject(i + 1, parameters.get(i));
      }
      return rows(statement);
    });
  }

  private static List<JournalRun> rows(PreparedStatement query) throws SQLException {
    List<JournalRun> runs = new ArrayList<>();
    try (ResultSet row = query.executeQuery()) {
      while (row.next()) {
        runs.add(new JournalRun(UUID.fromString(row.getString(1)), row.getString(2),
            row.getString(3), RunStatus.valueOf(row.getString(4)), row.getString(5),
            row.getString(6), row.getLong(7), instant(row, 8), instant(row, 9),
            instant(row, 10), labels(row.getString(11))));
      }
    }
    return runs;
  }

  private static java.util.Map<String, String> labels(String json) {
    if (json == null) {
      return java.util.Map.of();
    }
    try {
      return LABELS.readValue(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return java.util.Map.of("fancy.corrupt-labels", e.getOriginalMessage());
    }
  }

  /** The events of a run from sequence {@code from} on, as stored (JSON), in order. */
  List<String> events(UUID runId, long from) {
    return read("read the events of run " + runId, () -> {
      PreparedStatement query = prepare("SELECT event FROM events WHERE run_id = ? AND seq >= ? "
          + "ORDER BY seq");
      query.setString(1, runId.toString());
      query.setLong(2, from);
      List<String> events = new ArrayList<>();
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          events.add(row.getString(1));
        }
      }
      return events;
    });
  }

  /** The highest event sequence a run journaled, 0 if none. */
  long lastEventSequence(UUID runId) {
    return read("read the last event of run " + runId, () -> {
      PreparedStatement query = prepare("SELECT COALESCE(MAX(seq), 0) FROM events "
          + "WHERE run_id = ?");
      query.setString(1, runId.toString());
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? row.getLong(1) : 0L;
      }
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

  /** A run's inputs JSON, or empty if no such run. */
  Optional<String> runInputs(UUID runId) {
    return textColumn(runId, "inputs", "SELECT inputs FROM runs WHERE id = ?");
  }

  /** A run's options JSON, or empty if no such run (or none were stored). */
  Optional<String> runOptions(UUID runId) {
    return textColumn(runId, "options", "SELECT options FROM runs WHERE id = ?");
  }

  private Optional<String> textColumn(UUID runId, String what, String sql) {
    return read("read the " + what + " of run " + runId, () -> {
      PreparedStatement query = prepare(sql);
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

  /** A step's latest checkpoint in a run, or null. */
  dev.fancy.internal.core.StepJournal.JournalCheckpoint checkpoint(UUID runId, UUID stepId) {
    return read("read the latest checkpoint of step " + stepId + " of run " + runId, () -> {
      PreparedStatement query = prepare("SELECT number, value FROM checkpoints WHERE run_id = ? "
          + "AND step_id = ?");
      query.setString(1, runId.toString());
      query.setString(2, stepId.toString());
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? new dev.fancy.internal.core.StepJournal.JournalCheckpoint(
            row.getLong(1), row.getString(2)) : null;
      }
    });
  }

  /** How many checkpoints each step of a run recorded, by workflow step ID (none: absent). */
  Map<UUID, Long> checkpointCounts(UUID runId) {
    return read("count the checkpoints of run " + runId, () -> {
      PreparedStatement query = prepare("SELECT step_id, number FROM checkpoints WHERE "
          + "run_id = ?");
      query.setString(1, runId.toString());
      Map<UUID, Long> counts = new HashMap<>();
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          counts.put(UUID.fromString(row.getString(1)), row.getLong(2));
        }
      }
      return counts;
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

  /**
   * The hashes of every blob a row refers to ({@code fancy:blob:sha256:<hex>} in attempts'
   * outputs, runs' inputs, workflow definitions, events or checkpoints), for
   * {@link JournalBlobs}.
   */
  java.util.Set<String> blobReferences() {
    return read("find the blobs rows refer to", () -> {
      java.util.Set<String> hashes = new java.util.HashSet<>();
      try (Statement statement = connection().createStatement();
          ResultSet row = statement.executeQuery("SELECT outputs FROM attempts WHERE outputs "
              + "LIKE '%" + JournalBlobs.URI_PREFIX + "%' UNION ALL SELECT inputs FROM runs "
              + "WHERE inputs LIKE '%" + JournalBlobs.URI_PREFIX + "%' UNION ALL SELECT "
              + "definition FROM workflows WHERE definition LIKE '%" + JournalBlobs.URI_PREFIX
              + "%' UNION ALL SELECT event FROM events WHERE event LIKE '%"
              + JournalBlobs.URI_PREFIX + "%' UNION ALL SELECT value FROM checkpoints WHERE "
              + "value LIKE '%" + JournalBlobs.URI_PREFIX + "%'")) {
        while (row.next()) {
          JournalBlobs.references(row.getString(1), hashes);
        }
      }
      return hashes;
    });
  }

  /** {@code PRAGMA user_version}. */
  int schemaVersion() {
    return read("read the schema version", () -> JournalSchema.version(connection()));
  }

  /**
   * The problems {@code PRAGMA quick_check} (or {@code integrity_check} if {@code full}) finds,
   * at most ten; empty if the file is sound.
   */
  List<String> check(boolean full) {
    return read("check the journal's integrity", () -> {
      List<String> problems = new ArrayList<>();
      try (Statement statement = connection().createStatement();
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
  public void close() {
    closed = true;
    Reader reader;
    while ((reader = idle.pollFirst()) != null) {
      reader.close();
    }
  }
}
