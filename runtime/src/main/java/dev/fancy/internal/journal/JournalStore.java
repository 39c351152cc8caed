package dev.fancy.internal.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fancy.frame.Usage;
import dev.fancy.journal.JournalEffects;
import dev.fancy.journal.JournalException;
import dev.fancy.journal.JournalOptions;
import dev.fancy.journal.JournalStatistics;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunStatus;
import dev.fancy.value.BlobStore;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal file's connections, writer, reader, tables and value files: what the public
 * {@code Journal} handle holds and the durable core writes through. Thread-safe.
 */
public final class JournalStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JournalStore.class);

  /** WAL pages after which a commit checkpoints itself (see {@code JournalWriter#checkpoints}). */
  private static final int AUTOCHECKPOINT_PAGES = 4_000;

  /** The default journal file: {@code .fancy/journal.db} under the working directory. */
  public static final Path DEFAULT_FILE = Path.of(".fancy", "journal.db");

  private final Path file;
  private final JournalOptions options;
  private final Connection writeConnection;
  private final JournalWriter writer;
  private final EventWatchers watchers = new EventWatchers();
  private final JournalReader reader;
  private final ValueFiles values;
  private final JournalBlobs blobs;
  private final StagedEffects effects = new StagedEffects();
  /**
   * Workflows read back, by content hash: a stored definition never changes under its hash, and
   * every history, event stream and takeover of a run needs its workflow (reading and parsing it
   * each time was a tenth of the server's CPU under load).
   */
  private final Cache<String, Workflow> workflows =
      Caffeine.newBuilder().maximumSize(256).build();
  private final RunTable runTable;
  private final AttemptLog attemptLog;
  /** Backups read value files that retention deletes: never both at once in this process. */
  private final ReentrantReadWriteLock filesLock = new ReentrantReadWriteLock();

  private JournalStore(Path file, JournalOptions options, Connection writeConnection,
      Connection checkpoints, JournalReader reader) {
    this.file = file;
    this.options = options;
    this.writeConnection = writeConnection;
    this.reader = reader;
    this.writer = new JournalWriter(file, writeConnection, checkpoints,
        options.durability() == dev.fancy.journal.Durability.FULL, options.busyTimeout(),
        options.writeQueueCapacity());
    this.values = new ValueFiles(file.resolveSibling(file.getFileName() + ".values"),
        options.valueFileThreshold(), JournalJson.MAPPER);
    this.blobs = new JournalBlobs(file, values.dir(), options.clock());
    this.runTable = new RunTable(writer, options.clock());
    this.attemptLog = new AttemptLog(file, writer, reader, values, effects, options.clock(),
        options.valueFileThreshold());
  }

  /**
   * Opens (creating if needed) the journal in {@link #DEFAULT_FILE} with the default options.
   *
   * @throws JournalException as for {@link #open(Path, JournalOptions)}
   */
  public static JournalStore open() {
    return open(DEFAULT_FILE);
  }

  /**
   * Opens (creating if needed) the journal in {@code file} with the default options.
   *
   * @throws JournalException as for {@link #open(Path, JournalOptions)}
   */
  public static JournalStore open(Path file) {
    return open(file, JournalOptions.DEFAULT);
  }

  /**
   * Opens (creating if needed) the journal in {@code file}, checks its integrity (as
   * {@link JournalOptions#integrityCheck()} says) and migrates it to the current schema.
   *
   * @throws JournalException of reason {@code CORRUPT} if the file is damaged or not a SQLite database; the message
   *     says how to recover
   * @throws JournalException if the file cannot be opened, was written by a newer Fancy, or is a
   *     read-only journal that does not exist or needs migrating
   */
  public static JournalStore open(Path file, JournalOptions options) {
    Path absolute = file.toAbsolutePath().normalize();
    Connection write = null;
    Connection read = null;
    Connection checkpoints = null;
    try {
      if (options.readOnly()) {
        if (!Files.exists(absolute)) {
          throw new JournalException("the read-only journal " + absolute + " does not exist", null);
        }
      } else if (absolute.getParent() != null) {
        Files.createDirectories(absolute.getParent());
      }
      write = connect(absolute, options, false);
      read = connect(absolute, options, true);
      JournalReader reader = new JournalReader(absolute, read,
          () -> connect(absolute, options, true));
      if (options.integrityCheck() != JournalOptions.IntegrityCheck.NONE) {
        List<String> problems =
            reader.check(options.integrityCheck() == JournalOptions.IntegrityCheck.FULL);
        if (!problems.isEmpty()) {
          throw JournalFailures.corrupt(absolute, String.join("; ", problems), null);
        }
      }
      if (options.readOnly()) {
        int version = JournalSchema.version(write);
        if (version != JournalSchema.current()) {
          throw new JournalException("the read-only journal " + absolute + " has schema version "
              + version + "; this Fancy reads version " + JournalSchema.current() + ". Open it "
              + "writable once to migrate it" + (version > JournalSchema.current()
                  ? " (it was written by a newer Fancy: upgrade Fancy)" : ""), null);
        }
        execute(write, "PRAGMA query_only=ON");
      } else {
        JournalSchema.migrate(write, absolute, JournalJson.MAPPER);
        // From here the writer retries BEGIN IMMEDIATE itself, with backoff and a count of
        // retries, until the busy timeout: SQLite waits only a short while per try.
        execute(write, "PRAGMA busy_timeout=" + Math.min(250, options.busyTimeout().toMillis()));
        // The writer checkpoints in the background on a connection of its own; a commit still
        // checkpoints when the WAL reaches this many pages (SQLite's default is 1,000), to copy
        // what the background could not and to let the WAL start over.
        execute(write, "PRAGMA wal_autocheckpoint=" + AUTOCHECKPOINT_PAGES);
        checkpoints = connect(absolute, options, false);
      }
      JournalStore journal = new JournalStore(absolute, options, write, checkpoints, reader);
      if (!options.readOnly()) {
        journal.deleteTemporaryFiles();
      }
      return journal;
    } catch (JournalException e) {
      closeQuietly(checkpoints);
      closeQuietly(read);
      closeQuietly(write);
      throw e;
    } catch (SQLException | IOException e) {
      closeQuietly(checkpoints);
      closeQuietly(read);
      closeQuietly(write);
      throw JournalFailures.of(absolute, "open the journal", e);
    }
  }

  private static Connection connect(Path file, JournalOptions options, boolean readOnly)
      throws SQLException {
    java.util.Properties properties = new java.util.Properties();
    // Otherwise sqlite-jdbc matches every update against a pattern and, after an INSERT, prepares
    // and runs SELECT last_insert_rowid(): three native calls per statement that nothing reads.
    properties.setProperty("jdbc.get_generated_keys", "false");
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file, properties);
    try {
      execute(connection, "PRAGMA busy_timeout=" + Math.min(Integer.MAX_VALUE,
          options.busyTimeout().toMillis()));
      if (!readOnly && !options.readOnly()) {
        execute(connection, "PRAGMA journal_mode=WAL");
      }
      execute(connection, "PRAGMA synchronous=" + options.durability().name());
      execute(connection, "PRAGMA foreign_keys=ON");
      if (readOnly) {
        execute(connection, "PRAGMA query_only=ON");
      }
      return connection;
    } catch (SQLException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private void deleteTemporaryFiles() {
    try {
      int deleted = values.deleteTemporaryFiles(Duration.ofHours(1), options.clock().instant())
          + blobs.deleteTemporaryFiles(Duration.ofHours(1), options.clock().instant());
      if (deleted > 0) {
        LOG.info("deleted {} temporary value files left by dead processes in {}", deleted,
            values.dir());
      }
    } catch (IOException e) {
      LOG.warn("cannot clean temporary value files in {}", values.dir(), e);
    }
  }

  /**
   * Where the bytes of the {@code Blob}s in this journal's values live
   * ({@code <journal>.values/blobs/}); the durable engine's codec writes and reads blobs through
   * it.
   */
  public BlobStore blobs() {
    return blobs;
  }

  /** The journal file. */
  public Path file() {
    return file;
  }

  /** The options it was opened with. */
  public JournalOptions options() {
    return options;
  }

  /** Side effects that commit with their attempt; give it to steps as a resource. */
  public JournalEffects effects() {
    return effects;
  }

  /** How many attempts can stage effects now (it must not grow without bound). */
  public int openEffectAttempts() {
    return effects.openAttempts();
  }

  /** The schema version of the open journal. */
  public int schemaVersion() {
    return reader.schemaVersion();
  }

  /**
   * The workflow definition stored under {@code hash}.
   *
   * @throws JournalException if there is none, or the stored JSON is corrupt (the message names
   *     the row and the problems)
   */
  public Workflow loadWorkflow(String hash) {
    Workflow cached = workflows.getIfPresent(hash);
    if (cached != null) {
      return cached;
    }
    Workflow workflow = parseWorkflow(hash);
    workflows.put(hash, workflow);
    return workflow;
  }

  private Workflow parseWorkflow(String hash) {
    String json = reader.workflow(hash).orElseThrow(
        () -> new JournalException("the journal " + file + " has no workflow " + hash, null));
    try {
      return Workflow.fromJson(json);
    } catch (WorkflowValidationException e) {
      throw new JournalException("the stored workflow " + hash + " in " + file + " is corrupt: "
          + String.join("; ", e.problems()), e);
    }
  }

  /**
   * Runs {@code body} so that the journal reads it makes on this thread see one committed state
   * of the journal (one read transaction), however many queries it takes: a run's row, its steps
   * and their attempts read together cannot disagree by a commit made between them.
   *
   * @param what what the body reads, for messages
   * @throws JournalException if the reads fail
   */
  public <T> T snapshot(String what, java.util.function.Supplier<T> body) {
    return reader.snapshot(what, body);
  }

  /** The status of the run with this ID, if recorded (cheaper than {@link #run}). */
  public Optional<RunStatus> runStatus(UUID runId) {
    return reader.status(runId);
  }

  /** The run with this ID, if recorded. */
  public Optional<JournalRun> run(UUID runId) {
    return reader.run(runId);
  }

  /** Every recorded run, newest first. */
  public List<JournalRun> runs() {
    List<JournalRun> all = new java.util.ArrayList<>();
    RunQuery query = RunQuery.builder().limit(RunQuery.MAX_LIMIT).build();
    while (true) {
      List<JournalRun> page = reader.runs(query);
      all.addAll(page.subList(0, Math.min(page.size(), query.limit())));
      if (page.size() <= query.limit()) {
        return all;
      }
      JournalRun last = page.get(query.limit() - 1);
      query = query.after(RunQuery.cursorOf(last.toRunInfo(Usage.NONE)));
    }
  }

  /**
   * One page of the runs matching {@code query}, newest first (the SQL is built from the typed
   * query; every value is a bound parameter).
   *
   * @return the page's runs, and one more after them if there is a next page
   */
  public List<JournalRun> runs(RunQuery query) {
    return reader.runs(query);
  }

  /** The runs with {@code status}, newest first. */
  public List<JournalRun> runs(RunStatus status) {
    return runs().stream().filter(run -> run.status() == status).toList();
  }

  /**
   * A run's journaled events from sequence {@code from} on, in order.
   *
   * @throws JournalException if a stored event is corrupt
   */
  public List<RunEvent> events(UUID runId, long from) {
    List<RunEvent> events = new java.util.ArrayList<>();
    for (String json : reader.events(runId, from)) {
      try {
        events.add(JournalJson.MAPPER.readValue(json, RunEvent.class));
      } catch (JsonProcessingException | IllegalArgumentException e) {
        throw new JournalException("an event of run " + runId + " in " + file + " is corrupt: "
            + e.getMessage(), e);
      }
    }
    return events;
  }

  /** The highest event sequence a run journaled, 0 if none. */
  public long lastEventSequence(UUID runId) {
    return reader.lastEventSequence(runId);
  }

  /**
   * Journals {@code event} in the next transaction without waiting for it (events describe
   * state the journal already holds, so losing the last ones in a crash loses no state; the
   * next owner of the run numbers on from the last one journaled). A sequence number already
   * journaled is kept as it is.
   */
  public void appendEvent(RunEvent event) {
    String json = JournalJson.write(event);
    Supplier<String> what = () -> "journal event " + event.sequence() + " of run "
        + event.runId();
    writer.enqueue(what, sql -> {
      PreparedStatement insert = sql.prepare("INSERT OR IGNORE INTO events (run_id, seq, event) "
          + "VALUES (?, ?, ?)");
      insert.setString(1, event.runId().toString());
      insert.setLong(2, event.sequence());
      insert.setString(3, json);
      return insert.executeUpdate() == 1;
    }, inserted -> {
      if (inserted) { // else the journal keeps another event under this number
        watchers.committed(event);
      }
    });
  }

  /**
   * Calls {@code watcher} with each event of {@code runId} that this process journals from now
   * on, once its transaction committed: on the committing thread, so it must be quick, and in no
   * guaranteed order (two transactions' calls can overlap). Events other processes journal are
   * only read.
   *
   * @return what stops the calls
   */
  public Runnable watchEvents(UUID runId, Consumer<RunEvent> watcher) {
    return watchers.watch(runId, watcher);
  }

  /**
   * The inputs a run was submitted with, as JSON by input alias.
   *
   * @throws JournalException if there is no such run or the stored JSON is corrupt
   */
  public JsonNode runInputs(UUID runId) {
    String json = reader.runInputs(runId).orElseThrow(
        () -> new JournalException("the journal " + file + " has no run " + runId, null));
    return JournalJson.parse(json, "the inputs of run " + runId + " in " + file);
  }

  /** The journaled options of a run (its usage limits), as JSON; empty if none were stored. */
  public Optional<JsonNode> runOptions(UUID runId) {
    return reader.runOptions(runId)
        .map(json -> JournalJson.parse(json, "the options of run " + runId + " in " + file));
  }

  /** Every step a run recorded. */
  public List<StepInfo> steps(UUID runId) {
    return reader.steps(runId);
  }

  /** How many checkpoints each step of a run recorded, by workflow step ID (none: absent). */
  public Map<UUID, Long> checkpointCounts(UUID runId) {
    return reader.checkpointCounts(runId);
  }

  /** Every attempt of a run, in the order they were allocated. */
  public List<AttemptInfo> attempts(UUID runId) {
    return reader.attempts(runId);
  }

  /**
   * The outputs (JSON, in output order) of every step of a run that committed a success, with
   * values kept in files read back.
   *
   * @throws JournalException naming the step if its stored outputs cannot be read
   */
  public Map<UUID, ArrayNode> committedOutputs(UUID runId) {
    Map<UUID, ArrayNode> outputs = new HashMap<>();
    for (JournalReader.CommittedRow row : reader.committed(runId)) {
      outputs.put(row.stepId(), attemptLog.outputs(runId, row.stepId(), row.attempt(),
          row.outputs(), row.valueFiles()));
    }
    return outputs;
  }

  /**
   * The usage every attempt of a run reported, summed.
   *
   * @throws JournalException if a stored usage is corrupt
   */
  public Usage usage(UUID runId) {
    Usage total = Usage.NONE;
    for (String json : reader.usage(runId)) {
      try {
        total = total.plus(JournalJson.MAPPER.readValue(json, Usage.class));
      } catch (JsonProcessingException | IllegalArgumentException e) {
        throw new JournalException("the usage of an attempt of run " + runId + " in " + file
            + " is corrupt: " + e.getMessage(), e);
      }
    }
    return total;
  }

  /**
   * Deletes one finished run: its rows in one transaction (see {@code RunTable.delete}), then its
   * value files.
   *
   * @return false if the journal has no such run
   * @throws IllegalStateException if the run has not finished; nothing is deleted
   * @throws JournalException if the rows cannot be deleted, or its files (the rows are gone then;
   *     the files are orphans that do no harm)
   */
  public boolean deleteRun(UUID runId) {
    filesLock.writeLock().lock();
    try {
      if (!runTable.delete(runId)) {
        return false;
      }
      try {
        values.deleteRun(runId);
      } catch (IOException e) {
        throw new JournalException("deleted run " + runId + " but not its value files: " + e, e);
      }
      return true;
    } finally {
      filesLock.writeLock().unlock();
    }
  }

  /**
   * Deletes finished runs that ended longer than {@code age} ago, with their steps, attempts and
   * value files.
   *
   * @return how many runs were deleted
   * @throws JournalException if the rows cannot be deleted, or their files (the rows are gone
   *     then; the files are orphans that do no harm)
   */
  public int deleteRunsOlderThan(Duration age) {
    filesLock.writeLock().lock();
    try {
      List<UUID> deleted = runTable.deleteFinishedBefore(options.clock().instant().minus(age));
      for (UUID runId : deleted) {
        try {
          values.deleteRun(runId);
        } catch (IOException e) {
          throw new JournalException("deleted run " + runId + " but not its value files: " + e, e);
        }
      }
      if (!deleted.isEmpty()) {
        deleteUnreferencedBlobs();
      }
      return deleted.size();
    } finally {
      filesLock.writeLock().unlock();
    }
  }

  /**
   * Deletes the blobs that no row and no value file refers to any more, sparing those written or
   * reused within the last hour (an attempt running in some process may be about to commit a
   * reference to one). Called by retention under the files lock.
   */
  private void deleteUnreferencedBlobs() {
    try {
      java.util.Set<String> referenced = reader.blobReferences();
      if (Files.isDirectory(values.dir())) {
        try (java.util.stream.Stream<Path> files = Files.walk(values.dir())) {
          for (Path valueFile : files.filter(f -> f.getFileName().toString().endsWith(".json"))
              .toList()) {
            JournalBlobs.references(valueFile, referenced);
          }
        }
      }
      int deleted = blobs.deleteUnreferenced(referenced, Duration.ofHours(1));
      if (deleted > 0) {
        LOG.debug("deleted {} blobs no run refers to any more from {}", deleted, blobs.dir());
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new JournalException("deleted old runs but not their blobs in " + blobs.dir() + ": "
          + e.getMessage() + " (they are orphans that do no harm; the next retention retries)",
          e);
    }
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
    Path absolute = target.toAbsolutePath().normalize();
    if (Files.exists(absolute)) {
      throw new IllegalArgumentException("the backup target " + absolute + " exists; choose a "
          + "new file");
    }
    filesLock.readLock().lock();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      if (absolute.getParent() != null) {
        Files.createDirectories(absolute.getParent());
      }
      execute(connection, "PRAGMA busy_timeout=" + options.busyTimeout().toMillis());
      try (PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
        vacuum.setString(1, absolute.toString());
        vacuum.execute();
      }
      try (FileChannel copy = FileChannel.open(absolute, StandardOpenOption.WRITE)) {
        copy.force(true);
      }
      values.copyTo(absolute.resolveSibling(absolute.getFileName() + ".values"));
    } catch (SQLException | IOException e) {
      try {
        Files.deleteIfExists(absolute);
      } catch (IOException ignored) {
        // reported below
      }
      throw JournalFailures.of(file, "back up to " + absolute, e);
    } finally {
      filesLock.readLock().unlock();
    }
  }

  /** What the writer did since this journal was opened (group-commit batches, busy retries). */
  public JournalStatistics statistics() {
    return writer.statistics();
  }

  RunTable runTable() {
    return runTable;
  }

  AttemptLog attemptLog() {
    return attemptLog;
  }

  JournalReader reader() {
    return reader;
  }

  Clock clock() {
    return options.clock();
  }

  /** Runs {@code sql} on the write connection, outside any transaction: a hook for tests. */
  public void executeForTesting(String sql) {
    writer.run("execute " + sql, unit -> {
      try (Statement statement = unit.connection().createStatement()) {
        statement.execute(sql);
      }
      return null;
    });
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // the original failure is reported
      }
    }
  }

  /**
   * Waits for queued writes to commit, then closes both connections.
   *
   * @throws JournalException if the write connection cannot be closed
   */
  @Override
  public void close() {
    writer.close();
    reader.close();
    try {
      writeConnection.close();
    } catch (SQLException e) {
      throw new JournalException("cannot close the journal " + file + ": " + e.getMessage(), e);
    }
  }
}
