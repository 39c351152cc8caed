package dev.fancy.journal;

import java.util.List;

/**
 * The journal's SQL schema as forward migrations: migration {@code i} (from 0) takes a database
 * at version {@code i} to version {@code i + 1}; {@code PRAGMA user_version} holds the version.
 */
final class JournalSchema {
  private JournalSchema() {}

  static final List<List<String>> MIGRATIONS = List.of(
      List.of(
          "CREATE TABLE workflows (hash TEXT PRIMARY KEY, name TEXT NOT NULL, "
              + "definition TEXT NOT NULL, created_at INTEGER NOT NULL)",
          "CREATE TABLE runs (id TEXT PRIMARY KEY, "
              + "workflow_hash TEXT NOT NULL REFERENCES workflows(hash), status TEXT NOT NULL, "
              + "inputs TEXT NOT NULL, error TEXT, owner TEXT, lease_until INTEGER, "
              + "created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at INTEGER)",
          "CREATE INDEX runs_by_status ON runs(status)",
          "CREATE TABLE steps (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
              + "step_id TEXT NOT NULL, slug TEXT NOT NULL, version INTEGER NOT NULL, "
              + "status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, error TEXT, "
              + "updated_at INTEGER NOT NULL, PRIMARY KEY (run_id, step_id))",
          "CREATE TABLE attempts (idempotency_key TEXT PRIMARY KEY, "
              + "run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
              + "step_id TEXT NOT NULL, attempt INTEGER NOT NULL, status TEXT NOT NULL, "
              + "outputs TEXT, error_type TEXT, error_message TEXT, started_at INTEGER NOT NULL, "
              + "ended_at INTEGER, UNIQUE (run_id, step_id, attempt))"));

  /** The schema version this code writes. */
  static int current() {
    return MIGRATIONS.size();
  }
}
