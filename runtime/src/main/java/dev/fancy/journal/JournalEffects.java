package dev.fancy.journal;

/**
 * Side effects on the journal's own database that commit in the same transaction as the step
 * attempt that staged them (a transactional outbox): if the attempt's result commits, so do its
 * effects, exactly once; if the process dies first, neither does, and the next attempt stages
 * them again. A step reaches it as a resource:
 * {@code frame.resources().get(JournalEffects.class).stage(frame.idempotencyKey(), sql, args)}.
 *
 * <p>Effects can be staged only while their attempt runs: from when the journal allocates the
 * attempt until it commits or fails. Staging for an attempt that is over (it timed out and its
 * code kept running, or it failed) is refused, so nothing of such an attempt is kept in memory or
 * applied. A staged statement that the database rejects fails the attempt, not the run.
 */
public interface JournalEffects {

  /**
   * Stages an SQL statement (with {@code ?} parameters) for the attempt with this idempotency key.
   *
   * @throws NullPointerException if the key or statement is null
   * @throws IllegalStateException if no attempt with this key is running (it ended: timed out,
   *     failed or committed); the statement is dropped
   */
  void stage(String idempotencyKey, String sql, Object... parameters);
}
