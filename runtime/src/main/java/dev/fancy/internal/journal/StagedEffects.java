package dev.fancy.internal.journal;

import dev.fancy.journal.JournalEffects;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The journal's staged effects: what {@link JournalEffects} stages, per running attempt. */
final class StagedEffects implements JournalEffects {

  /** One staged statement. */
  record Statement(String sql, List<Object> parameters) {}

  private final Map<String, List<Statement>> open = new ConcurrentHashMap<>();

  StagedEffects() {}

  @Override
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
