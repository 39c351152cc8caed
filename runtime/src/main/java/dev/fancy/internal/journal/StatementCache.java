package dev.fancy.internal.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * One connection and the statements prepared on it, each prepared once and reused. Used by one
 * thread at a time (the writer's lock, or a read connection taken from the pool), so it needs no
 * lock of its own.
 */
final class StatementCache {
  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  StatementCache(Connection connection) {
    this.connection = connection;
  }

  Connection connection() {
    return connection;
  }

  /** A prepared statement for {@code sql}, prepared on first use. Never close it. */
  PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  /** Closes every statement: after an error they may be in a state SQLite refuses. */
  void reset() {
    for (PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // prepared again on next use
      }
    }
    statements.clear();
  }
}
