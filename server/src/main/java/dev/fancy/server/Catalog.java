package dev.fancy.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The server's own tables, next to the journal's in the same SQLite file (or in memory): the
 * catalog of named workflows, idempotency keys of run submissions, and orders. They have their
 * own schema version table ({@code fancy_server_schema}) and migrations, applied in order at
 * open; the journal's tables are never read or written here. One connection, used under a lock.
 */
final class Catalog implements AutoCloseable {

  /** The migrations, in order; migration {@code i} brings the schema to version {@code i + 1}. */
  private static final List<List<String>> MIGRATIONS = List.of(
      List.of(
          "CREATE TABLE server_workflows (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
              + "shape TEXT NOT NULL, definition TEXT NOT NULL, workflow TEXT NOT NULL, "
              + "created_at TEXT NOT NULL)",
          "CREATE INDEX server_workflows_created ON server_workflows (created_at, id)",
          "CREATE TABLE server_run_requests (workflow_id TEXT NOT NULL, "
              + "idempotency_key TEXT NOT NULL, body_sha256 TEXT NOT NULL, run_id TEXT NOT NULL, "
              + "created_at TEXT NOT NULL, PRIMARY KEY (workflow_id, idempotency_key))",
          "CREATE TABLE server_orders (id TEXT PRIMARY KEY, customer TEXT NOT NULL, "
              + "sku TEXT NOT NULL, quantity INTEGER NOT NULL, amount TEXT NOT NULL, "
              + "run_id TEXT NOT NULL, created_at TEXT NOT NULL)"));

  /**
   * A stored workflow.
   *
   * @param id its ID
   * @param name its name
   * @param shape {@code tracker} or {@code fancy}: which body shape created it
   * @param definition the body as accepted (the tracker's definition, or the workflow JSON)
   * @param workflow Fancy's workflow JSON
   * @param createdAt when it was created
   */
  record StoredWorkflow(String id, String name, String shape, String definition, String workflow,
      Instant createdAt) {}

  /**
   * A stored order.
   *
   * @param id its ID
   * @param customer who ordered
   * @param sku what
   * @param quantity how many
   * @param amount the price, as a decimal string
   * @param runId the fulfilment run
   * @param createdAt when it was placed
   */
  record StoredOrder(String id, String customer, String sku, int quantity, String amount,
      String runId, Instant createdAt) {}

  private final Connection connection;

  private Catalog(Connection connection) {
    this.connection = connection;
  }

  /**
   * Opens the catalog in {@code file} (created with its folder if missing), or in memory if
   * {@code file} is null, and applies pending migrations.
   *
   * @throws IllegalStateException if the file cannot be opened or its schema is newer than this
   *     server knows
   */
  static Catalog open(Path file) {
    try {
      String url;
      if (file == null) {
        url = "jdbc:sqlite::memory:";
      } else {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        url = "jdbc:sqlite:" + file.toAbsolutePath();
      }
      Connection connection = DriverManager.getConnection(url);
      try (Statement s = connection.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
        if (file != null) {
          s.execute("PRAGMA journal_mode = WAL");
        }
      }
      Catalog catalog = new Catalog(connection);
      catalog.migrate();
      return catalog;
    } catch (SQLException | java.io.IOException e) {
      throw new IllegalStateException("cannot open the server's tables in " + file + ": "
          + e.getMessage(), e);
    }
  }

  private synchronized void migrate() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS fancy_server_schema (version INTEGER NOT NULL)");
      int version = 0;
      try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM fancy_server_schema")) {
        if (rs.next()) {
          version = rs.getInt(1);
        }
      }
      if (version > MIGRATIONS.size()) {
        throw new IllegalStateException("the server's tables are at schema version " + version
            + " but this server knows only " + MIGRATIONS.size() + "; upgrade fancy-server");
      }
      for (int v = version; v < MIGRATIONS.size(); v++) {
        connection.setAutoCommit(false);
        try {
          for (String sql : MIGRATIONS.get(v)) {
            s.execute(sql);
          }
          s.execute("INSERT INTO fancy_server_schema (version) VALUES (" + (v + 1) + ")");
          connection.commit();
        } catch (SQLException e) {
          connection.rollback();
          throw e;
        } finally {
          connection.setAutoCommit(true);
        }
      }
    }
  }

  /** The schema version after migration. */
  synchronized int schemaVersion() {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM fancy_server_schema")) {
      return rs.next() ? rs.getInt(1) : 0;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  synchronized void insertWorkflow(StoredWorkflow w) {
    try (PreparedStatement p = connection.prepareStatement("INSERT INTO server_workflows "
        + "(id, name, shape, definition, workflow, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      p.setString(1, w.id());
      p.setString(2, w.name());
      p.setString(3, w.shape());
      p.setString(4, w.definition());
      p.setString(5, w.workflow());
      p.setString(6, w.createdAt().toString());
      p.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  synchronized Optional<StoredWorkflow> workflow(String id) {
    try (PreparedStatement p = connection.prepareStatement("SELECT id, name, shape, definition, "
        + "workflow, created_at FROM server_workflows WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(workflow(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Every workflow, newest first. */
  synchronized List<StoredWorkflow> workflows() {
    try (PreparedStatement p = connection.prepareStatement("SELECT id, name, shape, definition, "
        + "workflow, created_at FROM server_workflows ORDER BY created_at DESC, id DESC");
        ResultSet rs = p.executeQuery()) {
      List<StoredWorkflow> all = new ArrayList<>();
      while (rs.next()) {
        all.add(workflow(rs));
      }
      return all;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static StoredWorkflow workflow(ResultSet rs) throws SQLException {
    return new StoredWorkflow(rs.getString(1), rs.getString(2), rs.getString(3),
        rs.getString(4), rs.getString(5), Instant.parse(rs.getString(6)));
  }

  /**
   * Records that {@code key} on {@code workflowId} with a body of hash {@code bodySha256} is run
   * {@code runId}, unless the key is recorded already.
   *
   * @return the run and body hash recorded under the key: the given ones if this call recorded
   *     them, the earlier ones otherwise
   */
  synchronized String[] claimRunRequest(String workflowId, String key, String bodySha256,
      UUID runId) {
    try {
      try (PreparedStatement p = connection.prepareStatement("INSERT OR IGNORE INTO "
          + "server_run_requests (workflow_id, idempotency_key, body_sha256, run_id, created_at)"
          + " VALUES (?, ?, ?, ?, ?)")) {
        p.setString(1, workflowId);
        p.setString(2, key);
        p.setString(3, bodySha256);
        p.setString(4, runId.toString());
        p.setString(5, Instant.now().toString());
        p.executeUpdate();
      }
      try (PreparedStatement p = connection.prepareStatement("SELECT run_id, body_sha256 FROM "
          + "server_run_requests WHERE workflow_id = ? AND idempotency_key = ?")) {
        p.setString(1, workflowId);
        p.setString(2, key);
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          return new String[] {rs.getString(1), rs.getString(2)};
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Forgets a claimed key whose run could not start. */
  synchronized void releaseRunRequest(String workflowId, String key, UUID runId) {
    try (PreparedStatement p = connection.prepareStatement("DELETE FROM server_run_requests "
        + "WHERE workflow_id = ? AND idempotency_key = ? AND run_id = ?")) {
      p.setString(1, workflowId);
      p.setString(2, key);
      p.setString(3, runId.toString());
      p.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  synchronized void insertOrder(StoredOrder o) {
    try (PreparedStatement p = connection.prepareStatement("INSERT INTO server_orders (id, "
        + "customer, sku, quantity, amount, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      p.setString(1, o.id());
      p.setString(2, o.customer());
      p.setString(3, o.sku());
      p.setInt(4, o.quantity());
      p.setString(5, o.amount());
      p.setString(6, o.runId());
      p.setString(7, o.createdAt().toString());
      p.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  synchronized Optional<StoredOrder> order(String id) {
    try (PreparedStatement p = connection.prepareStatement("SELECT id, customer, sku, quantity, "
        + "amount, run_id, created_at FROM server_orders WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(new StoredOrder(rs.getString(1), rs.getString(2),
            rs.getString(3), rs.getInt(4), rs.getString(5), rs.getString(6),
            Instant.parse(rs.getString(7)))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** How many rows each server table holds, for tests that check nothing was written. */
  synchronized long rowCount() {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM server_workflows) + "
            + "(SELECT COUNT(*) FROM server_run_requests) + (SELECT COUNT(*) FROM server_orders)")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static IllegalStateException failure(SQLException e) {
    return new IllegalStateException("the server's tables failed: " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw failure(e);
    }
  }
}
