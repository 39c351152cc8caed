package dev.fancy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.frame.Usage;
import dev.fancy.internal.journal.AttemptInfo;
import dev.fancy.internal.journal.JournalRun;
import dev.fancy.internal.journal.JournalStore;
import dev.fancy.internal.journal.StepInfo;
import dev.fancy.journal.JournalEffects;
import dev.fancy.journal.JournalException;
import dev.fancy.journal.JournalOptions;
import dev.fancy.journal.JournalStatistics;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable record of runs, steps and attempts in one SQLite file (sqlite-jdbc, WAL mode):
 * tables {@code workflows} (definition JSON by content hash), {@code runs} (status, inputs,
 * options, timestamps, the definition the run started with, lease owner, epoch and expiry),
 * {@code steps} (state of each workflow step of a run) and {@code attempts} (idempotency key,
 * outputs as JSON, usage, error, timings; the stored values of committed steps). Outputs longer
 * than {@link JournalOptions#valueFileThreshold()} live in files in {@code <journal>.values/},
 * recorded out of band (see {@code ValueFiles}). The schema is versioned
 * ({@code PRAGMA user_version}) and migrated forward on open; a journal written by a newer Fancy is
 * refused.
 *
 * <p>Writes go through one writer thread per journal that batches concurrent units into shared
 * transactions (group commit), each beginning {@code IMMEDIATE} and retried while another process
 * holds the write lock, so any number of processes on one machine can share a journal file.
 * Queries use a separate read-only connection. Every write of a step or run result checks the
 * run's lease in the same transaction (fencing). Thread-safe.
 *
 * <p>Do not put a journal on a network file system: SQLite's locks are not reliable there
 * (https://sqlite.org/useovernet.html).
 */
public final class Journal implements AutoCloseable {

  /** The default journal file: {@code .fancy/journal.db} under the working directory. */
  public static final Path DEFAULT_FILE = JournalStore.DEFAULT_FILE;

  private final JournalStore store;

  private Journal(JournalStore store) {
    this.store = store;
  }

  /**
   * Opens (creating if needed) the journal in {@link #DEFAULT_FILE} with the default options.
   *
   * @throws JournalException as for {@link #open(Path, JournalOptions)}
   */
  public static Journal open() {
    return new Journal(JournalStore.open());
  }

  /**
   * Opens (creating if needed) the journal in {@code file} with the default options.
   *
   * @throws JournalException as for {@link #open(Path, JournalOptions)}
   */
  public static Journal open(Path file) {
    return new Journal(JournalStore.open(file));
  }

  /**
   * Opens (creating if needed) the journal in {@code file}, checks its integrity (as
   * {@link JournalOptions#integrityCheck()} says) and migrates it to the current schema.
   *
   * @throws JournalException of reason {@code CORRUPT} if the file is damaged or not a SQLite
   *     database; the message says how to recover
   * @throws JournalException if the file cannot be opened, was written by a newer Fancy, or is a
   *     read-only journal that does not exist or needs migrating
   */
  public static Journal open(Path file, JournalOptions options) {
    return new Journal(JournalStore.open(file, options));
  }

  /** The journal file. */
  public Path file() {
    return store.file();
  }

  /** The options it was opened with. */
  public JournalOptions options() {
    return store.options();
  }

  /** Side effects that commit with their attempt; durable engines give it to steps. */
  public JournalEffects effects() {
    return store.effects();
  }

  /** The schema version of the open journal. */
  public int schemaVersion() {
    return store.schemaVersion();
  }

  /**
   * Deletes finished runs that ended longer than {@code age} ago, with their steps, attempts,
   * events and value files, and then the blobs ({@code <journal>.values/blobs/}) that no remaining
   * run refers to and that were not written or reused in the last hour.
   *
   * @return how many runs were deleted
   * @throws JournalException if the rows cannot be deleted, or their files (the rows are gone
   *     then; the files are orphans that do no harm)
   */
  public int deleteRunsOlderThan(Duration age) {
    return store.deleteRunsOlderThan(age);
  }

  /**
   * Writes a consistent copy of the journal to {@code target} while it is in use (SQLite's
   * {@code VACUUM INTO}, a snapshot of the last commit), then copies the value files to
   * {@code <target>.values/}. The copy is compact and forced to disk. Open it as a journal to
   * restore.
   *
   * @throws IllegalArgumentException if {@code target} exists
   * @throws JournalException if the copy cannot be written (a partial target is deleted)
   */
  public void backup(Path target) {
    store.backup(target);
  }

  /** What the writer did since this journal was opened (group-commit batches, busy retries). */
  public JournalStatistics statistics() {
    return store.statistics();
  }

  /** Waits for pending writes, then closes the connections. */
  @Override
  public void close() {
    store.close();
  }

  /** The store a durable engine writes through. */
  JournalStore store() {
    return store;
  }

  // Reading the journal's rows, for this package's tests; users read runs through a
  // DurableEngine's handles and queries.

  Workflow loadWorkflow(String hash) {
    return store.loadWorkflow(hash);
  }

  Optional<JournalRun> run(UUID runId) {
    return store.run(runId);
  }

  List<JournalRun> runs() {
    return store.runs();
  }

  List<JournalRun> runs(RunStatus status) {
    return store.runs(status);
  }

  List<StepInfo> steps(UUID runId) {
    return store.steps(runId);
  }

  List<AttemptInfo> attempts(UUID runId) {
    return store.attempts(runId);
  }

  Map<UUID, ArrayNode> committedOutputs(UUID runId) {
    return store.committedOutputs(runId);
  }

  Usage usage(UUID runId) {
    return store.usage(runId);
  }

  JsonNode runInputs(UUID runId) {
    return store.runInputs(runId);
  }

  List<RunEvent> events(UUID runId, long from) {
    return store.events(runId, from);
  }

  int openEffectAttempts() {
    return store.openEffectAttempts();
  }

  void executeForTesting(String sql) {
    store.executeForTesting(sql);
  }
}
