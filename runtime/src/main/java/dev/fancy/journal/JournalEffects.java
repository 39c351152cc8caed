package dev.fancy.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

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
public final class JournalEffects {

  /** One staged statement. */
  record Statement(String sql, List<Object> parameters) {}

  private final Map<String, List<Statement>> open = new ConcurrentHashMap<>();

  JournalEffects() {}

  /**
   * Stages an SQL statement (with {@code ?} parameters) for the attempt with this idempotency key.
   *
   * @throws NullPointerException if the key or statement is null
   * @throws IllegalStateException if no attempt with this key is running (it ended: timed out,
   *     failed or committed); the statement is dropped
   */
  public void stage(String idempotencyKey, String sql, Object... parameters) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
    Objects.requireNonNull(sql, "sql == null");
    Statement statement = new Statement(sql, List.of(parameters));
    List<Statement> staged = open.computeIfPresent(idempotencyKey, (key, list) -> {
      list.add(statement);
      return list;
    });
    if (staged == null) {
      throw new IllegalStateException("attempt " + idempotencyKey + " is not running (it ended, "
          + "for example it timed out), so its effect is dropped: " + sql);
    }
  }

  /** Opens staging for an attempt that starts now. */
  void open(String idempotencyKey) {
    open.put(idempotencyKey, new ArrayList<>());
  }

  /** Closes staging for an attempt and returns what it staged, in order. */
  List<Statement> take(String idempotencyKey) {
    List<Statement> statements = open.remove(idempotencyKey);
    return statements == null ? List.of() : statements;
  }

  /** Closes staging for an attempt that failed; its effects are dropped. */
  void discard(String idempotencyKey) {
    open.remove(idempotencyKey);
  }

  /** How many attempts can stage effects now (for tests: it must not grow without bound). */
  int openAttempts() {
    return open.size();
  }
}
