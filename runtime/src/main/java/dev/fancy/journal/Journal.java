package dev.fancy.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.engine.StepJournal;
import dev.fancy.engine.StepStatus;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import dev.fancy.workflow.WorkflowValidationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable record of runs, steps and attempts in one SQLite file (sqlite-jdbc, WAL mode):
 * tables {@code workflows} (definition JSON by content hash), {@code runs} (status, inputs,
 * timestamps, the definition the run started with, lease), {@code steps} (state of each workflow
 * step of a run) and {@code attempts} (idempotency key, outputs as JSON, error, timings; the
 * stored values of committed steps; values over {@value #VALUE_FILE_THRESHOLD} JSON characters go
 * to files in {@code <journal>.values/} and the row refers to them). The schema is versioned ({@code PRAGMA user_version}) and
 * migrated forward on open; a journal written by a newer Fancy is refused.
 *
 * <p>Every write is one transaction. {@link #commitSuccess} writes the attempt's outputs, the
 * step's status and the attempt's staged {@link JournalEffects} together, so a committed step is
 * never executed again and its effects happen exactly once. Thread-safe (one connection,
 * serialized access).
 */
public final class Journal implements StepJournal, AutoCloseable {

  /** How hard each commit is pushed to disk ({@code PRAGMA synchronous}). */
  public enum Durability {
    /** fsync at every commit: survives power loss. */
    FULL,
    /** fsync at WAL checkpoints: survives process crashes, may lose the last commits on power loss. */
    NORMAL
  }

  private final Path file;
  private final Connection connection;
  private final GroupCommit committer;
  private final ValueFiles valueFiles;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final ValueCodec codec = ValueCodec.defaults();
  private final JournalEffects effects = new JournalEffects();

  /** Outputs longer than this (as JSON characters) are kept in files, not rows: 64 KiB. */
  public static final int VALUE_FILE_THRESHOLD = 64 * 1024;

  private Journal(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
    this.valueFiles = new ValueFiles(file.resolveSibling(file.getFileName() + ".values"),
        VALUE_FILE_THRESHOLD, ValueCodec.defaults().mapper());
    this.committer = new GroupCommit(connection, "fancy-journal-" + file.getFileName());
  }

  /** The default journal file: {@code .fancy/journal.db} under the working directory. */
  public static final Path DEFAULT_FILE = Path.of(".fancy", "journal.db");

  /**
   * Opens (creating if needed) the journal in {@link #DEFAULT_FILE} with {@link Durability#FULL}.
   *
   * @throws JournalException as for {@link #open(Path)}
   */
  public static Journal open() {
    return open(DEFAULT_FILE);
  }

  /**
   * Opens (creating if needed) the journal in {@code file} with {@link Durability#FULL}.
   *
   * @throws JournalException if the file cannot be opened, is not a SQLite database, or was
   *     written by a newer Fancy
   */
  public static Journal open(Path file) {
    return open(file, Durability.FULL);
  }

  /**
   * Opens (creating if needed) the journal in {@code file}.
   *
   * @throws JournalException as for {@link #open(Path)}
   */
  public static Journal open(Path file, Durability durability) {
    return open(file, durability, false);
  }

  /**
   * Opens the journal in {@code file}; a read-only journal can be inspected but every write fails
   * with a {@link JournalException} that says so (nothing is half-written).
   *
   * @throws JournalException as for {@link #open(Path)}, or if a read-only journal does not exist
   */
  public static Journal open(Path file, Durability durability, boolean readOnly) {
    Path absolute = file.toAbsolutePath();
    Connection connection = null;
    try {
      Path parent = absolute.getParent();
      if (parent != null && !readOnly) {
        Files.createDirectories(parent);
      }
      connection = DriverManager.getConnection("jdbc:sqlite:" + absolute);
      try (Statement statement = connection.createStatement()) {
        if (!readOnly) {
          statement.execute("PRAGMA journal_mode=WAL");
        }
        statement.execute("PRAGMA synchronous=" + durability.name());
        statement.execute("PRAGMA foreign_keys=ON");
        statement.execute("PRAGMA busy_timeout=10000");
      }
      if (!readOnly) {
        migrate(connection, absolute);
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA query_only=" + (readOnly ? "ON" : "OFF"));
      }
      return new Journal(absolute, connection);
    } catch (JournalException e) {
      closeQuietly(connection);
      throw e;
    } catch (Exception e) {
      closeQuietly(connection);
      throw new JournalException("cannot open the journal " + absolute + ": " + e.getMessage()
          + ". Check that the path is a writable SQLite file", e);
    }
  }

  private static void migrate(Connection connection, Path file) throws SQLException {
    int version;
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("PRAGMA user_version")) {
      version = row.next() ? row.getInt(1) : 0;
    }
    if (version > JournalSchema.current()) {
      throw new JournalException("the journal " + file + " has schema version " + version
          + ", written by a newer Fancy; this Fancy reads up to version " + JournalSchema.current()
          + ". Upgrade Fancy, or use another journal file", null);
    }
    for (int v = version; v < JournalSchema.current(); v++) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        for (String sql : JournalSchema.MIGRATIONS.get(v)) {
          statement.execute(sql);
        }
        statement.execute("PRAGMA user_version=" + (v + 1));
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }

  /** The journal file. */
  public Path file() {
    return file;
  }

  /** Side effects that commit with their attempt; give it to steps as a resource. */
  public JournalEffects effects() {
    return effects;
  }

  /** The schema version of the open journal. */
  public int schemaVersion() {
    return read(() -> {
      try (Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("PRAGMA user_version")) {
        return row.next() ? row.getInt(1) : 0;
      }
    }, "read the schema version");
  }

  // ---- workflows and runs -------------------------------------------------------------------

  /**
   * Records a workflow's definition (once per content) and returns its hash.
   *
   * @throws JournalException if it cannot be written
   */
  public String saveWorkflow(Workflow workflow) {
    String json = workflow.toJson();
    String hash = sha256(json);
    transaction(() -> {
      {
        PreparedStatement insert = prepared(
          "INSERT OR IGNORE INTO workflows (hash, name, definition, created_at) VALUES (?, ?, ?, ?)");
        insert.setString(1, hash);
        insert.setString(2, workflow.name());
        insert.setString(3, json);
        insert.setLong(4, System.currentTimeMillis());
        insert.executeUpdate();
      }
    }, "save workflow '" + workflow.name() + "'");
    return hash;
  }

  /**
   * The workflow definition stored under {@code hash}.
   *
   * @throws JournalException if there is none, or the stored JSON is corrupt (the message names
   *     the row and the problems)
   */
  public Workflow loadWorkflow(String hash) {
    String json = read(() -> {
      {
        PreparedStatement query = prepared(
          "SELECT definition FROM workflows WHERE hash = ?");
        query.setString(1, hash);
        try (ResultSet row = query.executeQuery()) {
          return row.next() ? row.getString(1) : null;
        }
      }
    }, "read workflow " + hash);
    if (json == null) {
      throw new JournalException("the journal has no workflow " + hash, null);
    }
    try {
      return Workflow.fromJson(json);
    } catch (WorkflowValidationException e) {
      throw new JournalException("the stored workflow " + hash + " in " + file + " is corrupt: "
          + String.join("; ", e.problems()), e);
    }
  }

  /**
   * Records a new run as {@code RUNNING}, leased to {@code owner} until {@code leaseUntil}.
   *
   * @param inputs the run's inputs as JSON, by input alias
   * @throws JournalException if it cannot be written
   */
  public void createRun(UUID runId, String workflowHash, JsonNode inputs, String owner,
      Instant leaseUntil) {
    transaction(() -> {
      long now = System.currentTimeMillis();
      {
        PreparedStatement insert = prepared(
          "INSERT INTO runs (id, workflow_hash, status, inputs, owner, lease_until, created_at, "
              + "updated_at) VALUES (?, ?, 'RUNNING', ?, ?, ?, ?, ?)");
        insert.setString(1, runId.toString());
        insert.setString(2, workflowHash);
        insert.setString(3, inputs.toString());
        insert.setString(4, owner);
        insert.setLong(5, leaseUntil.toEpochMilli());
        insert.setLong(6, now);
        insert.setLong(7, now);
        insert.executeUpdate();
      }
    }, "create run " + runId);
  }

  /**
   * Takes or renews the lease of a run for {@code owner} until {@code leaseUntil}, and marks the
   * run {@code RUNNING}; fails if another owner's lease is still valid (two processes must never
   * execute one run at the same time), and never touches a succeeded run.
   *
   * @param reopen false to claim only a run that is still {@code RUNNING} (recovery), true to
   *     also reopen a failed or cancelled one (resume)
   * @return whether {@code owner} now holds the lease
   */
  public boolean claim(UUID runId, String owner, Instant leaseUntil, boolean reopen) {
    return read(() -> {
      {
        PreparedStatement update = prepared(
          "UPDATE runs SET owner = ?, lease_until = ?, status = 'RUNNING', error = NULL, "
              + "finished_at = NULL, updated_at = ? WHERE id = ? AND (owner IS NULL OR owner = ? "
              + "OR lease_until < ?) AND " + (reopen ? "status <> 'SUCCEEDED'"
                  : "status = 'RUNNING'"));
        long now = System.currentTimeMillis();
        update.setString(1, owner);
        update.setLong(2, leaseUntil.toEpochMilli());
        update.setLong(3, now);
        update.setString(4, runId.toString());
        update.setString(5, owner);
        update.setLong(6, now);
        return update.executeUpdate() == 1;
      }
    }, "claim run " + runId);
  }

  /** Extends every lease {@code owner} holds on a running run to {@code leaseUntil}. */
  public void renewLeases(String owner, Instant leaseUntil) {
    transaction(() -> {
      {
        PreparedStatement update = prepared(
          "UPDATE runs SET lease_until = ? WHERE owner = ? AND status = 'RUNNING'");
        update.setLong(1, leaseUntil.toEpochMilli());
        update.setString(2, owner);
        update.executeUpdate();
      }
    }, "renew the leases of " + owner);
  }

  /** Records how a run ended and releases its lease. */
  public void finishRun(UUID runId, String status, String error) {
    transaction(() -> {
      long now = System.currentTimeMillis();
      {
        PreparedStatement update = prepared(
          "UPDATE runs SET status = ?, error = ?, owner = NULL, lease_until = NULL, "
              + "updated_at = ?, finished_at = ? WHERE id = ?");
        update.setString(1, status);
        update.setString(2, error);
        update.setLong(3, now);
        update.setLong(4, now);
        update.setString(5, runId.toString());
        update.executeUpdate();
      }
    }, "finish run " + runId);
  }

  /** The run with this ID, if recorded. */
  public Optional<RunInfo> run(UUID runId) {
    List<RunInfo> runs = runs("WHERE r.id = ?", runId.toString());
    return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
  }

  /** Every recorded run, newest first. */
  public List<RunInfo> runs() {
    return runs("");
  }

  /** The runs with status {@code RUNNING}: unfinished, possibly left by a dead process. */
  public List<RunInfo> runningRuns() {
    return runs("WHERE r.status = 'RUNNING'");
  }

  private List<RunInfo> runs(String where, String... parameters) {
    return read(() -> {
      {
        PreparedStatement query = prepared(
          "SELECT r.id, w.name, r.workflow_hash, r.status, r.error, r.owner, r.created_at, "
              + "r.finished_at FROM runs r JOIN workflows w ON w.hash = r.workflow_hash " + where
              + " ORDER BY r.created_at DESC, r.id");
        for (int i = 0; i < parameters.length; i++) {
          query.setString(i + 1, parameters[i]);
        }
        List<RunInfo> runs = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
          while (row.next()) {
            long finished = row.getLong(8);
            runs.add(new RunInfo(UUID.fromString(row.getString(1)), row.getString(2),
                row.getString(3), row.getString(4), row.getString(5), row.getString(6),
                Instant.ofEpochMilli(row.getLong(7)),
                row.wasNull() || finished == 0 ? null : Instant.ofEpochMilli(finished)));
          }
        }
        return runs;
      }
    }, "list runs");
  }

  /** The inputs a run was submitted with, as JSON by input alias. */
  public JsonNode runInputs(UUID runId) {
    String json = read(() -> {
      {
        PreparedStatement query = prepared(
          "SELECT inputs FROM runs WHERE id = ?");
        query.setString(1, runId.toString());
        try (ResultSet row = query.executeQuery()) {
          return row.next() ? row.getString(1) : null;
        }
      }
    }, "read the inputs of run " + runId);
    if (json == null) {
      throw new JournalException("the journal has no run " + runId, null);
    }
    return parse(json, "the inputs of run " + runId);
  }

  /** Every step a run recorded. */
  public List<StepInfo> steps(UUID runId) {
    return read(() -> {
      {
        PreparedStatement query = prepared(
          "SELECT step_id, slug, version, status, attempts, error FROM steps WHERE run_id = ? "
              + "ORDER BY updated_at, step_id");
        query.setString(1, runId.toString());
        List<StepInfo> steps = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
          while (row.next()) {
            steps.add(new StepInfo(UUID.fromString(row.getString(1)), row.getString(2),
                row.getInt(3), row.getString(4), row.getInt(5), row.getString(6)));
          }
        }
        return steps;
      }
    }, "list the steps of run " + runId);
  }

  /** Every attempt of a run, in the order they were allocated. */
  public List<AttemptInfo> attempts(UUID runId) {
    return read(() -> {
      {
        PreparedStatement query = prepared(
          "SELECT idempotency_key, step_id, attempt, status, error_type, error_message, "
              + "started_at, ended_at FROM attempts WHERE run_id = ? ORDER BY rowid");
        query.setString(1, runId.toString());
        List<AttemptInfo> attempts = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
          while (row.next()) {
            long ended = row.getLong(8);
            attempts.add(new AttemptInfo(row.getString(1), UUID.fromString(row.getString(2)),
                row.getInt(3), row.getString(4), row.getString(5), row.getString(6),
                Instant.ofEpochMilli(row.getLong(7)),
                row.wasNull() ? null : Instant.ofEpochMilli(ended)));
          }
        }
        return attempts;
      }
    }, "list the attempts of run " + runId);
  }

  /** The outputs (JSON, in output order) of every step of a run that committed a success. */
  public Map<UUID, ArrayNode> committedOutputs(UUID runId) {
    Map<UUID, String> rows = read(() -> {
      {
        PreparedStatement query = prepared(
          "SELECT step_id, outputs FROM attempts WHERE run_id = ? AND status = 'SUCCEEDED'");
        query.setString(1, runId.toString());
        Map<UUID, String> outputs = new HashMap<>();
        try (ResultSet row = query.executeQuery()) {
          while (row.next()) {
            outputs.put(UUID.fromString(row.getString(1)), row.getString(2));
          }
        }
        return outputs;
      }
    }, "read the committed steps of run " + runId);
    Map<UUID, ArrayNode> outputs = new HashMap<>();
    rows.forEach((step, json) -> outputs.put(step, internalize((ArrayNode) parse(json,
        "the outputs of step " + step + " of run " + runId))));
    return outputs;
  }

  /**
   * Deletes finished runs older than {@code age} with their steps, attempts and values.
   *
   * @return how many runs were deleted
   */
  public int deleteRunsOlderThan(Duration age) {
    long before = System.currentTimeMillis() - age.toMillis();
    int[] deleted = new int[1];
    List<String> runIds = new ArrayList<>();
    transaction(() -> {
      {
        PreparedStatement query = prepared(
          "SELECT id FROM runs WHERE status <> 'RUNNING' AND created_at < ?");
        query.setLong(1, before);
        try (ResultSet row = query.executeQuery()) {
          while (row.next()) {
            runIds.add(row.getString(1));
          }
        }
      }
      {
        PreparedStatement delete = prepared(
          "DELETE FROM runs WHERE status <> 'RUNNING' AND created_at < ?");
        delete.setLong(1, before);
        deleted[0] = delete.executeUpdate();
      }
    }, "delete old runs");
    for (String runId : runIds) {
      try {
        valueFiles.deleteRun(runId);
      } catch (java.io.IOException e) {
        throw new JournalException("deleted run " + runId + " but not its value files: " + e, e);
      }
    }
    return deleted[0];
  }

  // ---- StepJournal --------------------------------------------------------------------------

  @Override
  public JournalAttempt beginAttempt(UUID runId, WorkflowStep step) {
    return read(() -> {
      int attempt;
        {
        PreparedStatement query = prepared(
            "SELECT COALESCE(MAX(attempt), 0) FROM attempts WHERE run_id = ? AND step_id = ?");
          query.setString(1, runId.toString());
          query.setString(2, step.id().toString());
          try (ResultSet row = query.executeQuery()) {
            attempt = row.next() ? row.getInt(1) + 1 : 1;
          }
        }
        String key = runId + ":" + step.id() + ":" + attempt;
        String committed = null;
        {
        PreparedStatement query = prepared(
            "SELECT outputs FROM attempts WHERE idempotency_key = ? AND status = 'SUCCEEDED'");
          query.setString(1, key);
          try (ResultSet row = query.executeQuery()) {
            committed = row.next() ? row.getString(1) : null;
          }
        }
        if (committed == null) {
          long now = System.currentTimeMillis();
          {
        PreparedStatement insert = prepared(
              "INSERT INTO attempts (idempotency_key, run_id, step_id, attempt, status, "
                  + "started_at) VALUES (?, ?, ?, ?, 'RUNNING', ?)");
            insert.setString(1, key);
            insert.setString(2, runId.toString());
            insert.setString(3, step.id().toString());
            insert.setInt(4, attempt);
            insert.setLong(5, now);
            insert.executeUpdate();
          }
          upsertStep(runId, step, "RUNNING", attempt, null, now);
        }
      return new JournalAttempt(attempt, key, committed == null ? null
          : internalize((ArrayNode) parse(committed, "the outputs of attempt " + key)));
    }, "begin an attempt of step '" + step.slug() + "' of run " + runId);
  }

  @Override
  public void commitSuccess(UUID runId, WorkflowStep step, String key, ArrayNode values) {
    List<JournalEffects.Statement> staged = effects.take(key);
    ArrayNode outputs;
    try {
      outputs = valueFiles.externalize(runId.toString(), key, values);
    } catch (java.io.IOException e) {
      throw new JournalException("cannot store the large outputs of attempt " + key + " next to "
          + file + ": " + e, e);
    }
    transaction(() -> {
      long now = System.currentTimeMillis();
      {
        PreparedStatement update = prepared(
          "UPDATE attempts SET status = 'SUCCEEDED', outputs = ?, ended_at = ? "
              + "WHERE idempotency_key = ?");
        update.setString(1, outputs.toString());
        update.setLong(2, now);
        update.setString(3, key);
        if (update.executeUpdate() != 1) {
          throw new SQLException("no attempt " + key + " to commit");
        }
      }
      upsertStep(runId, step, "SUCCEEDED", null, null, now);
      for (JournalEffects.Statement statement : staged) {
        try (PreparedStatement effect = connection.prepareStatement(statement.sql())) {
          for (int i = 0; i < statement.parameters().size(); i++) {
            effect.setObject(i + 1, statement.parameters().get(i));
          }
          effect.executeUpdate();
        }
      }
    }, "commit attempt " + key);
  }

  @Override
  public void recordFailure(UUID runId, WorkflowStep step, String key, Throwable error,
      boolean last) {
    effects.discard(key);
    transaction(() -> {
      long now = System.currentTimeMillis();
      {
        PreparedStatement update = prepared(
          "UPDATE attempts SET status = 'FAILED', error_type = ?, error_message = ?, "
              + "ended_at = ? WHERE idempotency_key = ?");
        update.setString(1, error.getClass().getName());
        update.setString(2, error.getMessage());
        update.setLong(3, now);
        update.setString(4, key);
        update.executeUpdate();
      }
      upsertStep(runId, step, last ? "FAILED" : "PENDING", null,
          last ? error.getClass().getName() + ": " + error.getMessage() : null, now);
    }, "record the failure of attempt " + key);
  }

  @Override
  public void recordEnd(UUID runId, WorkflowStep step, StepStatus status, String reason) {
    transaction(() -> upsertStep(runId, step, status.name(), null, reason,
        System.currentTimeMillis()), "record the end of step '" + step.slug() + "'");
  }

  private void upsertStep(UUID runId, WorkflowStep step, String status, Integer attempts,
      String error, long now) throws SQLException {
    {
        PreparedStatement upsert = prepared(
        "INSERT INTO steps (run_id, step_id, slug, version, status, attempts, error, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, COALESCE(?, 0), ?, ?) ON CONFLICT (run_id, step_id) DO "
            + "UPDATE SET status = excluded.status, attempts = COALESCE(?, steps.attempts), "
            + "error = excluded.error, updated_at = excluded.updated_at");
      upsert.setString(1, runId.toString());
      upsert.setString(2, step.id().toString());
      upsert.setString(3, step.slug());
      upsert.setInt(4, step.version());
      upsert.setString(5, status);
      upsert.setObject(6, attempts);
      upsert.setString(7, error);
      upsert.setLong(8, now);
      upsert.setObject(9, attempts);
      upsert.executeUpdate();
    }
  }

  // ---- plumbing -----------------------------------------------------------------------------

  /**
   * A prepared statement for {@code sql}, prepared once and reused: only the group-commit writer
   * thread touches the connection, so the cache needs no locking.
   */
  private PreparedStatement prepared(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  private interface Work {
    void run() throws SQLException;
  }

  /** One unit of work, in its own savepoint of the next group-committed transaction. */
  private void transaction(Work work, String what) {
    read(() -> {
      work.run();
      return null;
    }, what);
  }

  private <T> T read(GroupCommit.Unit<T> unit, String what) {
    try {
      return committer.run(unit);
    } catch (SQLException e) {
      String message = String.valueOf(e.getMessage());
      throw new JournalException("cannot " + what + " in the journal " + file + ": " + message
          + (message.contains("READONLY") || message.contains("readonly")
              ? ". The journal is read-only; open it writable (check the file's permissions)"
              : ""), e);
    }
  }

  /**
   * How many transactions the journal committed and how many units of work they held; their
   * ratio is the group-commit batch size.
   *
   * @return {@code [transactions, units]}
   */
  public long[] commitStatistics() {
    return new long[] {committer.transactions(), committer.units()};
  }

  private JsonNode parse(String json, String what) {
    try {
      return codec.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new JournalException(what + " in " + file + " is corrupt JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  private ArrayNode internalize(ArrayNode outputs) {
    try {
      return valueFiles.internalize(outputs);
    } catch (java.io.IOException e) {
      throw new JournalException("a large output referred to by " + file + " cannot be read: "
          + e.getMessage(), e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // the original failure is reported
      }
    }
  }

  @Override
  public void close() {
    committer.close();
    try {
      connection.close();
    } catch (SQLException e) {
      throw new JournalException("cannot close the journal " + file + ": " + e.getMessage(), e);
    }
  }
}
