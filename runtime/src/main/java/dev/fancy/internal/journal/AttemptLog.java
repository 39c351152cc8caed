package dev.fancy.internal.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.frame.Usage;
import dev.fancy.internal.core.StepJournal.JournalAttempt;
import dev.fancy.internal.core.StepJournal;
import dev.fancy.journal.JournalException;
import dev.fancy.run.StepStatus;
import dev.fancy.workflow.WorkflowStep;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code attempts} and {@code steps} tables: the journaled life of each step attempt. Every
 * write is one unit of the journal's writer that first checks the run's lease ({@link
 * RunTable#fence}), so a process that lost a run cannot record anything for it.
 */
final class AttemptLog {

  /** Longest error message stored; longer ones are cut (a message is no place for megabytes). */
  private static final int MAX_MESSAGE = 16 * 1024;

  private final Path file;
  private final JournalWriter writer;
  private final JournalReader reader;
  private final ValueFiles values;
  private final StagedEffects effects;
  private final Clock clock;
  private final int threshold;

  AttemptLog(Path file, JournalWriter writer, JournalReader reader, ValueFiles values,
      StagedEffects effects, Clock clock, int threshold) {
    this.file = file;
    this.writer = writer;
    this.reader = reader;
    this.values = values;
    this.effects = effects;
    this.clock = clock;
    this.threshold = threshold;
  }

  /**
   * The journal of one run's attempts, writing under {@code lease}.
   */
  StepJournal forRun(Lease lease) {
    return new StepJournal() {
      @Override
      public JournalAttempt beginAttempt(WorkflowStep step) {
        return begin(lease, step);
      }

      @Override
      public JournalAttempt commitSuccess(WorkflowStep step, JournalAttempt attempt,
          ArrayNode outputs, Usage usage, WorkflowStep next) {
        return commit(lease, step, attempt, outputs, usage, next);
      }

      @Override
      public void recordFailure(WorkflowStep step, JournalAttempt attempt, Throwable error,
          Usage usage, boolean last) {
        fail(lease, step, attempt, error, usage, last);
      }

      @Override
      public void recordEnd(WorkflowStep step, StepStatus status, String reason) {
        end(lease, step, status, reason);
      }

      @Override
      public long recordCheckpoint(WorkflowStep step, JournalAttempt attempt, String json) {
        return checkpoint(lease, step, attempt, json);
      }

      @Override
      public StepJournal.JournalCheckpoint latestCheckpoint(WorkflowStep step) {
        return reader.checkpoint(lease.runId(), step.id());
      }
    };
  }

  /**
   * Records {@code json} as the latest checkpoint of {@code step}, written by {@code attempt}:
   * one forced unit (durable per the journal's durability) that checks the run's lease first and
   * writes nothing unless the attempt is still running in the journal, so neither a process that
   * lost the run nor an attempt that is over can overwrite a newer checkpoint.
   *
   * @return the checkpoint's number (from 1 per step and run), or 0 if the attempt is over
   * @throws JournalException if the journal failed or the lease is lost (nothing written)
   */
  long checkpoint(Lease lease, WorkflowStep step, JournalAttempt attempt, String json) {
    return writer.run("record a checkpoint of attempt " + attempt.idempotencyKey(), sql -> {
      RunTable.fence(sql, lease);
      PreparedStatement running = sql.prepare("SELECT status FROM attempts WHERE "
          + "idempotency_key = ?");
      running.setString(1, attempt.idempotencyKey());
      try (ResultSet row = running.executeQuery()) {
        if (!row.next() || !"RUNNING".equals(row.getString(1))) {
          return 0L;
        }
      }
      PreparedStatement upsert = sql.prepare("INSERT INTO checkpoints (run_id, step_id, number, "
          + "attempt, value, recorded_at) VALUES (?, ?, 1, ?, ?, ?) ON CONFLICT (run_id, step_id) "
          + "DO UPDATE SET number = checkpoints.number + 1, attempt = excluded.attempt, "
          + "value = excluded.value, recorded_at = excluded.recorded_at");
      upsert.setString(1, lease.runId().toString());
      upsert.setString(2, step.id().toString());
      upsert.setInt(3, attempt.attempt());
      upsert.setString(4, json);
      upsert.setLong(5, clock.millis());
      upsert.executeUpdate();
      PreparedStatement number = sql.prepare("SELECT number FROM checkpoints WHERE run_id = ? "
          + "AND step_id = ?");
      number.setString(1, lease.runId().toString());
      number.setString(2, step.id().toString());
      try (ResultSet row = number.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    });
  }

  /** What the begin unit found: a fresh attempt, or the step's committed one (raw). */
  private record Begun(int attempt, String key, String outputs, String valueFiles) {}

  /**
   * Allocates the next attempt of {@code step} (number = last + 1 across every process) and marks
   * the step running; if the step already committed a success, returns that instead (it is never
   * executed again).
   */
  JournalAttempt begin(Lease lease, WorkflowStep step) {
    UUID runId = lease.runId();
    // Not forced to disk on its own: the attempt's result commits forced and carries it there
    // (SQLite's WAL keeps commits in order). A process that dies keeps it; a power loss before
    // any later forced commit loses it, and then nothing of the attempt is recorded, not even
    // its number, which the next attempt may reuse (docs/durability.md).
    Begun begun = writer.runUnforced("begin an attempt of step '" + step.slug() + "' of run "
        + runId, sql -> {
          RunTable.fence(sql, lease);
          return allocate(sql, runId, step);
        });
    return begun(runId, step, begun);
  }

  /**
   * In the unit's transaction (the lease checked): the committed attempt of {@code step} if
   * there is one, else a new attempt numbered after the last one, recorded running.
   */
  private Begun allocate(JournalWriter.Sql sql, UUID runId, WorkflowStep step)
      throws SQLException {
    // The committed attempt if there is one, else the last one (for the next number).
    PreparedStatement latest = sql.prepare("SELECT attempt, idempotency_key, status, "
        + "outputs, value_files FROM attempts WHERE run_id = ? AND step_id = ? "
        + "ORDER BY status = 'SUCCEEDED' DESC, attempt DESC LIMIT 1");
    latest.setString(1, runId.toString());
    latest.setString(2, step.id().toString());
    int attempt = 1;
    try (ResultSet row = latest.executeQuery()) {
      if (row.next()) {
        if ("SUCCEEDED".equals(row.getString(3))) {
          return new Begun(row.getInt(1), row.getString(2), row.getString(4),
              row.getString(5));
        }
        attempt = row.getInt(1) + 1;
      }
    }
    String key = runId + ":" + step.id() + ":" + attempt;
    long now = clock.millis();
    PreparedStatement insert = sql.prepare("INSERT INTO attempts (idempotency_key, run_id, "
        + "step_id, attempt, status, started_at) VALUES (?, ?, ?, ?, 'RUNNING', ?)");
    insert.setString(1, key);
    insert.setString(2, runId.toString());
    insert.setString(3, step.id().toString());
    insert.setInt(4, attempt);
    insert.setLong(5, now);
    insert.executeUpdate();
    upsertStep(sql, runId, step, StepStatus.RUNNING, attempt, null, now);
    return new Begun(attempt, key, null, null);
  }

  /** The attempt an allocation committed: a new one (its effects opened) or a committed one. */
  private JournalAttempt begun(UUID runId, WorkflowStep step, Begun begun) {
    if (begun.outputs() == null) {
      effects.open(begun.key());
      return new JournalAttempt(begun.attempt(), begun.key(), null);
    }
    return new JournalAttempt(begun.attempt(), begun.key(),
        outputs(runId, step.id(), begun.attempt(), begun.outputs(), begun.valueFiles()));
  }

  /**
   * The stored outputs of an attempt, with the values kept in files read back.
   *
   * @throws JournalException naming the attempt if the JSON is corrupt or a file is unreadable
   */
  ArrayNode outputs(UUID runId, UUID stepId, int attempt, String json, String valueFiles) {
    String what = "the outputs of attempt " + attempt + " of step " + stepId + " of run " + runId
        + " in " + file;
    JsonNode outputs = JournalJson.parse(json, what);
    if (!(outputs instanceof ArrayNode array)) {
      throw new JournalException(what + " are not a JSON array", null);
    }
    if (valueFiles == null) {
      return array;
    }
    List<Integer> positions = new ArrayList<>();
    for (JsonNode position : JournalJson.parse(valueFiles, what + " (value_files)")) {
      positions.add(position.asInt(-1));
    }
    try {
      return values.join(runId, stepId, attempt, array, positions);
    } catch (IOException e) {
      throw new JournalException(what + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Commits a successful attempt with its outputs, usage and staged effects, and allocates the
   * next attempt of {@code next} (if not null) in the same transaction, as {@link #begin} does.
   *
   * @return the attempt allocated for {@code next}, or null
   * @throws EffectFailedException if a staged effect was rejected (nothing committed)
   * @throws JournalException if the journal failed or the lease is lost (nothing committed)
   */
  JournalAttempt commit(Lease lease, WorkflowStep step, JournalAttempt attempt,
      ArrayNode outputs, Usage usage, WorkflowStep next) {
    List<StagedEffects.Statement> staged = effects.take(attempt.idempotencyKey());
    String what = "commit attempt " + attempt.idempotencyKey();
    String json = outputs.toString();
    ValueFiles.Split split = null;
    if (json.length() > threshold) {
      try {
        split = values.split(lease.runId(), step.id(), attempt.attempt(), outputs);
      } catch (IOException e) {
        throw JournalFailures.of(file, what, e);
      }
      json = split.inline().toString();
    }
    String inline = json;
    String positions = split == null || split.positions().isEmpty() ? null
        : split.positions().toString().replace(" ", "");
    String usageJson = usage.equals(Usage.NONE) ? null : JournalJson.write(usage);
    Begun begun;
    try {
      begun = writer.run(what, sql -> {
        RunTable.fence(sql, lease);
        long now = clock.millis();
        PreparedStatement update = sql.prepare("UPDATE attempts SET status = 'SUCCEEDED', "
            + "outputs = ?, value_files = ?, usage = ?, ended_at = ? WHERE idempotency_key = ? "
            + "AND status = 'RUNNING'");
        update.setString(1, inline);
        update.setString(2, positions);
        update.setString(3, usageJson);
        update.setLong(4, now);
        update.setString(5, attempt.idempotencyKey());
        if (update.executeUpdate() != 1) {
          throw new IllegalStateException("attempt " + attempt.idempotencyKey() + " is no longer "
              + "running in the journal, so it cannot commit");
        }
        upsertStep(sql, lease.runId(), step, StepStatus.SUCCEEDED, null, null, now);
        for (int i = 0; i < staged.size(); i++) {
          applyEffect(sql, attempt, staged.get(i), i);
        }
        return next == null ? null : allocate(sql, lease.runId(), next);
      });
    } catch (RuntimeException e) {
      if (split != null) {
        ValueFiles.deleteQuietly(split.written());
      }
      throw e;
    }
    return begun == null ? null : begun(lease.runId(), next, begun);
  }

  private static void applyEffect(JournalWriter.Sql sql, JournalAttempt attempt,
      StagedEffects.Statement statement, int index) throws SQLException {
    try (PreparedStatement effect = sql.connection().prepareStatement(statement.sql())) {
      for (int i = 0; i < statement.parameters().size(); i++) {
        effect.setObject(i + 1, statement.parameters().get(i));
      }
      effect.executeUpdate();
    } catch (SQLException e) {
      if (JournalFailures.abortsTransaction(e)) {
        throw e;
      }
      throw new EffectFailedException("effect " + (index + 1) + " staged by attempt "
          + attempt.idempotencyKey() + " was rejected by the database: " + e.getMessage()
          + " (" + statement.sql() + ")", e);
    }
  }

  void fail(Lease lease, WorkflowStep step, JournalAttempt attempt, Throwable error, Usage usage,
      boolean last) {
    effects.discard(attempt.idempotencyKey());
    String usageJson = usage.equals(Usage.NONE) ? null : JournalJson.write(usage);
    String message = cut(error.getMessage());
    writer.run("record the failure of attempt " + attempt.idempotencyKey(), sql -> {
      RunTable.fence(sql, lease);
      long now = clock.millis();
      PreparedStatement update = sql.prepare("UPDATE attempts SET status = 'FAILED', "
          + "error_type = ?, error_message = ?, usage = ?, ended_at = ? WHERE "
          + "idempotency_key = ? AND status = 'RUNNING'");
      update.setString(1, error.getClass().getName());
      update.setString(2, message);
      update.setString(3, usageJson);
      update.setLong(4, now);
      update.setString(5, attempt.idempotencyKey());
      update.executeUpdate();
      upsertStep(sql, lease.runId(), step, last ? StepStatus.FAILED : StepStatus.PENDING, null,
          last ? error.getClass().getName() + ": " + message : null, now);
      return null;
    });
  }

  void end(Lease lease, WorkflowStep step, StepStatus status, String reason) {
    writer.run("record the end of step '" + step.slug() + "' of run " + lease.runId(), sql -> {
      RunTable.fence(sql, lease);
      upsertStep(sql, lease.runId(), step, status, null, cut(reason), clock.millis());
      return null;
    });
  }

  private static String cut(String text) {
    return text == null || text.length() <= MAX_MESSAGE ? text
        : text.substring(0, MAX_MESSAGE) + "... (" + (text.length() - MAX_MESSAGE)
            + " more characters)";
  }

  private static void upsertStep(JournalWriter.Sql sql, UUID runId, WorkflowStep step,
      StepStatus status, Integer attempts, String error, long now) throws SQLException {
    PreparedStatement upsert = sql.prepare("INSERT INTO steps (run_id, step_id, slug, version, "
        + "status, attempts, error, updated_at) VALUES (?, ?, ?, ?, ?, COALESCE(?, 0), ?, ?) "
        + "ON CONFLICT (run_id, step_id) DO UPDATE SET status = excluded.status, "
        + "attempts = COALESCE(?, steps.attempts), error = excluded.error, "
        + "updated_at = excluded.updated_at");
    upsert.setString(1, runId.toString());
    upsert.setString(2, step.id().toString());
    upsert.setString(3, step.slug());
    upsert.setInt(4, step.version());
    upsert.setString(5, status.name());
    upsert.setObject(6, attempts);
    upsert.setString(7, error);
    upsert.setLong(8, now);
    upsert.setObject(9, attempts);
    upsert.executeUpdate();
  }
}
