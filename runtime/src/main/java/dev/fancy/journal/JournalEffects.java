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
 */
public final class JournalEffects {

  /** One staged statement. */
  record Statement(String sql, List<Object> parameters) {}

  private final Map<String, List<Statement>> staged = new ConcurrentHashMap<>();

  JournalEffects() {}

  /**
   * Stages an SQL statement (with {@code ?} parameters) for the attempt with this idempotency key.
   *
   * @throws NullPointerException if the key or statement is null
   */
  public void stage(String idempotencyKey, String sql, Object... parameters) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
    Objects.requireNonNull(sql, "sql == null");
    staged.computeIfAbsent(idempotencyKey, key -> new ArrayList<>())
        .add(new Statement(sql, List.of(parameters)));
  }

  List<Statement> take(String idempotencyKey) {
    List<Statement> statements = staged.remove(idempotencyKey);
    return statements == null ? List.of() : statements;
  }

  void discard(String idempotencyKey) {
    staged.remove(idempotencyKey);
  }
}
