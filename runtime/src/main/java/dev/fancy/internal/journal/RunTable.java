package dev.fancy.internal.journal;

import dev.fancy.journal.JournalException;
import dev.fancy.run.RunStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code runs} table: creating runs, leases (claim, renew, release), fencing and retention.
 * Every method is one unit of work of the journal's writer, so it is one transaction (or part of
 * one group-committed transaction) that began {@code IMMEDIATE}.
 */
final class RunTable {

  /**
   * A run to create.
   *
   * @param runId the run's ID
   * @param workflowHash SHA-256 of the definition
   * @param workflowName its name
   * @param definition the workflow JSON, inserted unless that hash is stored already
   * @param inputs the inputs as JSON text
   * @param options the journaled run options as JSON text
   */
  record NewRun(UUID runId, String workflowHash, String workflowName, String definition,
      String inputs, String options, java.util.Map<String, String> labels) {}

  private final JournalWriter writer;
  private final Clock clock;

  RunTable(JournalWriter writer, Clock clock) {
    this.writer = writer;
    this.clock = clock;
  }

  /**
   * Records a new run as {@code RUNNING}, leased to {@code owner} (epoch 1) until
   * {@code leaseUntil}. Creating a run whose ID exists for a workflow of the same name with the
   * same inputs does nothing and returns an empty result (submitting is idempotent by run ID, as
   * a Temporal workflow ID is; the workflow is matched by name, not by its JSON's hash, so a run
   * recorded with the random IDs of a Fancy from before IDs were derived from the wiring is still
   * found when the same code submits it again).
   *
   * @return the lease on the new run, or empty if it existed
   * @throws IllegalArgumentException if a run with this ID exists for a workflow of another name,
   *     or with other inputs
   * @throws JournalException if it cannot be written
   */
  java.util.Optional<Lease> create(NewRun run, String owner, Instant leaseUntil) {
    return writer.run("create run " + run.runId(), sql -> {
      PreparedStatement existing = sql.prepare("SELECT w.name, r.inputs FROM runs r JOIN "
          + "workflows w ON w.hash = r.workflow_hash WHERE r.id = ?");
      existing.setString(1, run.runId().toString());
      try (ResultSet row = existing.executeQuery()) {
        if (row.next()) {
          boolean sameWorkflow = row.getString(1).equals(run.workflowName());
          if (sameWorkflow && row.getString(2).equals(run.inputs())) {
            return java.util.Optional.<Lease>empty();
          }
          throw new IllegalArgumentException("run " + run.runId() + " already exists with "
              + (sameWorkflow ? "other inputs" : "another workflow ('" + row.getString(1) + "')")
              + "; a run ID names one workflow with one set of inputs, so pick a new ID");
        }
      }
      long now = clock.millis();
      PreparedStatement workflow = sql.prepare("INSERT OR IGNORE INTO workflows (hash, name, "
          + "definition, created_at) VALUES (?, ?, ?, ?)");
      workflow.setString(1, run.workflowHash());
      workflow.setString(2, run.workflowName());
      workflow.setString(3, run.definition());
      workflow.setLong(4, now);
      workflow.executeUpdate();
      PreparedStatement insert = sql.prepare("INSERT INTO runs (id, workflow_hash, status, "
          + "inputs, options, owner, epoch, lease_until, created_at, updated_at) "
          + "VALUES (?, ?, 'RUNNING', ?, ?, ?, 1, ?, ?, ?)");
      insert.setString(1, run.runId().toString());
      insert.setString(2, run.workflowHash());
      insert.setString(3, run.inputs());
      insert.setString(4, run.options());
      insert.setString(5, owner);
      insert.setLong(6, leaseUntil.toEpochMilli());
      insert.setLong(7, now);
      insert.setLong(8, now);
      insert.executeUpdate();
      if (!run.labels().isEmpty()) {
        PreparedStatement labels = sql.prepare("UPDATE runs SET labels = ? WHERE id = ?");
        labels.setString(1, JournalJson.MAPPER.valueToTree(run.labels()).toString());
        labels.setString(2, run.runId().toString());
        labels.executeUpdate();
        PreparedStatement label = sql.prepare("INSERT INTO run_labels (run_id, key, value) "
            + "VALUES (?, ?, ?)");
        for (var entry : run.labels().entrySet()) {
          label.setString(1, run.runId().toString());
          label.setString(2, entry.getKey());
          label.setString(3, entry.getValue());
          label.executeUpdate();
        }
      }
      return java.util.Optional.of(new Lease(run.runId(), owner, 1));
    });
  }

  /**
   * Takes the lease of a run for {@code owner} until {@code leaseUntil} and increments its epoch,
   * if nobody holds it: no owner, or the owner's lease ran out (two executions, even of one
   * process, never hold one run at the same time). Attempts left {@code RUNNING} by the previous holder become {@code ABANDONED}, its
   * running steps {@code PENDING}. Never touches a succeeded run.
   *
   * @param reopen false to claim only a {@code RUNNING} run (takeover), true to also reopen a
   *     failed or cancelled one (resume)
   * @return the new epoch, or empty if the run is not claimable
   */
  OptionalLong claim(UUID runId, String owner, Instant leaseUntil, boolean reopen) {
    return writer.run("claim run " + runId, sql -> {
      long now = clock.millis();
      PreparedStatement update = sql.prepare("UPDATE runs SET owner = ?, epoch = epoch + 1, "
          + "lease_until = ?, status = 'RUNNING', error = NULL, finished_at = NULL, "
          + "updated_at = ? WHERE id = ? AND (owner IS NULL OR lease_until < ?) AND "
          + (reopen ? "status <> 'SUCCEEDED'" : "status = 'RUNNING'"));
      update.setString(1, owner);
      update.setLong(2, leaseUntil.toEpochMilli());
      update.setLong(3, now);
      update.setString(4, runId.toString());
      update.setLong(5, now);
      if (update.executeUpdate() != 1) {
        return OptionalLong.empty();
      }
      PreparedStatement epoch = sql.prepare("SELECT epoch FROM runs WHERE id = ?");
      epoch.setString(1, runId.toString());
      long claimed;
      try (ResultSet row = epoch.executeQuery()) {
        row.next();
        claimed = row.getLong(1);
      }
      closeRunningAttempts(sql, runId, now, "its process died or lost the run's lease");
      PreparedStatement steps = sql.prepare("UPDATE steps SET status = 'PENDING', updated_at = ? "
          + "WHERE run_id = ? AND status = 'RUNNING'");
      steps.setLong(1, now);
      steps.setString(2, runId.toString());
      steps.executeUpdate();
      return OptionalLong.of(claimed);
    });
  }

  private static void closeRunningAttempts(JournalWriter.Sql sql, UUID runId, long now,
      String why) throws SQLException {
    PreparedStatement attempts = sql.prepare("UPDATE attempts SET status = 'ABANDONED', "
        + "error_message = ?, ended_at = ? WHERE run_id = ? AND status = 'RUNNING'");
    attempts.setString(1, why);
    attempts.setLong(2, now);
    attempts.setString(3, runId.toString());
    attempts.executeUpdate();
  }

  /**
   * Extends each lease to {@code leaseUntil}, if it is still held.
   *
   * @return the runs whose lease was lost (another process claimed them, or they ended)
   */
  Set<UUID> renew(Collection<Lease> leases, Instant leaseUntil) {
    if (leases.isEmpty()) {
      return Set.of();
    }
    return writer.run("renew " + leases.size() + " leases", sql -> {
      Set<UUID> lost = new HashSet<>();
      PreparedStatement update = sql.prepare("UPDATE runs SET lease_until = ? WHERE id = ? "
          + "AND owner = ? AND epoch = ? AND status = 'RUNNING'");
      for (Lease lease : leases) {
        update.setLong(1, leaseUntil.toEpochMilli());
        update.setString(2, lease.runId().toString());
        update.setString(3, lease.owner());
        update.setLong(4, lease.epoch());
        if (update.executeUpdate() != 1) {
          lost.add(lease.runId());
        }
      }
      return lost;
    });
  }

  /**
   * Records how a run ended and releases its lease; attempts still {@code RUNNING} (interrupted
   * by a cancellation) are closed as abandoned.
   *
   * @throws JournalException of reason {@code LEASE_LOST} if the lease is no longer held
   */
  void finish(Lease lease, RunStatus status, String error) {
    writer.run("finish run " + lease.runId(), sql -> {
      fence(sql, lease);
      long now = clock.millis();
      PreparedStatement update = sql.prepare("UPDATE runs SET status = ?, error = ?, "
          + "owner = NULL, lease_until = NULL, updated_at = ?, finished_at = ? WHERE id = ?");
      update.setString(1, status.name());
      update.setString(2, error);
      update.setLong(3, now);
      update.setLong(4, now);
      update.setString(5, lease.runId().toString());
      update.executeUpdate();
      closeRunningAttempts(sql, lease.runId(), now, "the run ended while it ran");
      return null;
    });
  }

  /**
   * Checks, inside the current transaction, that {@code lease} still holds its run.
   *
   * @throws JournalException of reason {@code LEASE_LOST} if another owner or a later epoch holds it, or it ended
   */
  static void fence(JournalWriter.Sql sql, Lease lease) throws SQLException {
    PreparedStatement query =
        sql.prepare("SELECT owner, epoch, status FROM runs WHERE id = ?");
    query.setString(1, lease.runId().toString());
    try (ResultSet row = query.executeQuery()) {
      if (!row.next()) {
        throw new JournalException(JournalException.Reason.LEASE_LOST, lease.runId(), "run " + lease.runId() + " is no longer in "
            + "the journal (deleted by retention?); this process stops executing it", null);
      }
      String owner = row.getString(1);
      long epoch = row.getLong(2);
      String status = row.getString(3);
      if (!lease.owner().equals(owner) || lease.epoch() != epoch || !"RUNNING".equals(status)) {
        throw new JournalException(JournalException.Reason.LEASE_LOST, lease.runId(),
            "this process (owner " + lease.owner()
            + ", epoch " + lease.epoch() + ") lost the lease of run " + lease.runId() + ": it is "
            + status + (owner == null ? "" : " and leased by " + owner) + " at epoch " + epoch
            + "; its late write is refused and it stops executing the run", null);
      }
    }
  }

  /**
   * Deletes one finished run with every row of it (steps, attempts, checkpoints, events, labels:
   * the foreign keys cascade), in one transaction. Its workflow definition stays (shared by content
   * hash; {@link #deleteFinishedBefore} removes unused ones).
   *
   * @return false if the journal has no such run
   * @throws IllegalStateException if the run is still {@code RUNNING} (here or in another
   *     process); nothing is deleted
   * @throws JournalException if it cannot be written
   */
  boolean delete(UUID runId) {
    return writer.run("delete run " + runId, sql -> {
      PreparedStatement query = sql.prepare("SELECT status FROM runs WHERE id = ?");
      query.setString(1, runId.toString());
      String status;
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          return false;
        }
        status = row.getString(1);
      }
      if (!RunStatus.valueOf(status).isFinal()) {
        throw new IllegalStateException("run " + runId + " is " + status + ", not finished; "
            + "cancel it or wait for it to end, then delete it");
      }
      PreparedStatement delete = sql.prepare("DELETE FROM runs WHERE id = ?");
      delete.setString(1, runId.toString());
      delete.executeUpdate();
      return true;
    });
  }

  /**
   * Deletes finished runs that ended before {@code before}, with their steps and attempts, and
   * workflow definitions no run uses any more.
   *
   * @return the IDs of the deleted runs
   */
  List<UUID> deleteFinishedBefore(Instant before) {
    return writer.run("delete old runs", sql -> {
      List<UUID> deleted = new ArrayList<>();
      PreparedStatement query = sql.prepare("SELECT id FROM runs WHERE status <> 'RUNNING' AND "
          + "COALESCE(finished_at, created_at) < ?");
      query.setLong(1, before.toEpochMilli());
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          deleted.add(UUID.fromString(row.getString(1)));
        }
      }
      PreparedStatement delete = sql.prepare("DELETE FROM runs WHERE status <> 'RUNNING' AND "
          + "COALESCE(finished_at, created_at) < ?");
      delete.setLong(1, before.toEpochMilli());
      delete.executeUpdate();
      sql.prepare("DELETE FROM workflows WHERE hash NOT IN (SELECT workflow_hash FROM runs)")
          .executeUpdate();
      return deleted;
    });
  }
}
