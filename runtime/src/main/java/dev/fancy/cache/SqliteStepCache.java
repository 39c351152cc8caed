package dev.fancy.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.value.ValueCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * A persistent cache in one SQLite file (sqlite-jdbc, WAL mode) that survives restarts. Table
 * {@code step_cache(cache_key PRIMARY KEY, slug, version, outputs JSON text, created_at epoch
 * milliseconds)}. Thread-safe (one connection, serialized access). Close it when done.
 */
public final class SqliteStepCache implements StepCache, AutoCloseable {

  private final Path file;
  private final Connection connection;

  /**
   * Opens (creating if needed) the cache in {@code file}.
   *
   * @throws CacheException if the file cannot be opened as a SQLite database
   */
  public SqliteStepCache(Path file) {
    this.file = file.toAbsolutePath();
    try {
      Path parent = this.file.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      connection = DriverManager.getConnection("jdbc:sqlite:" + this.file);
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA journal_mode=WAL");
        statement.execute("CREATE TABLE IF NOT EXISTS step_cache (cache_key TEXT PRIMARY KEY, "
            + "slug TEXT NOT NULL, version INTEGER NOT NULL, outputs TEXT NOT NULL, "
            + "created_at INTEGER NOT NULL)");
      }
    } catch (Exception e) {
      throw new CacheException("cannot open the step cache " + this.file + ": " + e, e);
    }
  }

  @Override
  public synchronized Optional<ArrayNode> get(CacheKey key) {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT outputs FROM step_cache WHERE cache_key = ?")) {
      query.setString(1, key.toString());
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        JsonNode outputs = ValueCodec.defaults().parse(row.getString(1));
        if (!(outputs instanceof ArrayNode array)) {
          throw new CacheException("cache entry " + key + " in " + file + " is not a JSON array",
              null);
        }
        return Optional.of(array);
      }
    } catch (SQLException | dev.fancy.value.ValueCodecException e) {
      throw new CacheException("cannot read " + key + " from " + file + ": " + e, e);
    }
  }

  @Override
  public synchronized void put(CacheKey key, ArrayNode outputs) {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT OR REPLACE INTO step_cache (cache_key, slug, version, outputs, created_at) "
            + "VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, key.toString());
      insert.setString(2, key.slug());
      insert.setInt(3, key.version());
      insert.setString(4, outputs.toString());
      insert.setLong(5, System.currentTimeMillis());
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new CacheException("cannot write " + key + " to " + file + ": " + e, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new CacheException("cannot close " + file + ": " + e, e);
    }
  }
}
