package dev.fancy.internal.journal;

import dev.fancy.journal.JournalException;
import dev.fancy.journal.JournalStatistics;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/**
 * The journal's only writer: one thread owns the write connection and runs every unit of work
 * that callers hand it, batching the units that arrive while a transaction commits into the next
 * transaction (group commit), so concurrent steps share one disk sync.
 *
 * <p>Every transaction begins {@code IMMEDIATE}: it takes SQLite's write lock before reading, so a
 * unit never has to upgrade a read to a write, which is the case where SQLite cannot wait for
 * another process (its busy handler is not called then). While another process holds the lock,
 * {@code BEGIN IMMEDIATE} is retried with exponential backoff until the busy timeout; only then do
 * the batch's units fail, with a {@link JournalException} of reason {@code BUSY}. Each unit runs under its own
 * savepoint, so a unit that fails alone is rolled back alone; an error after which SQLite may have
 * rolled back the whole transaction (a full disk, an I/O error, corruption) fails every unit of the
 * batch with that error. A caller returns only after the transaction holding its unit committed,
 * so batching never weakens durability. The queue is bounded: when it is full, callers wait
 * (back-pressure).
 */
final class JournalWriter implements AutoCloseable {

  /** A unit of work on the write connection, inside a transaction. */
  interface Unit<T> {
    T run(Sql sql) throws SQLException;
  }

  /** What a unit sees of the connection. */
  static final class Sql {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    private Sql(Connection connection) {
      this.connection = connection;
    }

    /**
     * A prepared statement for {@code sql}, prepared once and reused (only the writer thread
     * touches the connection, so the cache needs no lock). Never close it.
     */
    PreparedStatement prepare(String sql) throws SQLException {
      PreparedStatement statement = statements.get(sql);
      if (statement == null) {
        statement = connection.prepareStatement(sql);
        statements.put(sql, statement);
      }
      return statement;
    }

    /** The connection, for statements that must not be cached (callers close them). */
    Connection connection() {
      return connection;
    }

    /** Closes every cached statement: after an error they may be in a state SQLite refuses. */
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

  private record Request(Unit<?> unit, String what, CompletableFuture<Object> done) {}

  private static final int MAX_BATCH = 1024;
  /** How long lazy units wait for a transaction to join before they get one of their own. */
  static final long LAZY_FLUSH_MILLIS = 50;

  private final Path file;
  private final Connection connection;
  private final Sql sql;
  private final Duration busyTimeout;
  private final BlockingQueue<Request> queue;
  /** Units that ride along with the next transaction ({@link #enqueue}). */
  private final java.util.concurrent.ConcurrentLinkedQueue<Request> lazy =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Thread writer;
  private volatile boolean closed;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong units = new AtomicLong();
  private final AtomicLong busyRetries = new AtomicLong();
  private final AtomicLong largestBatch = new AtomicLong();

  JournalWriter(Path file, Connection connection, Duration busyTimeout, int capacity) {
    this.file = file;
    this.connection = connection;
    this.sql = new Sql(connection);
    this.busyTimeout = busyTimeout;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = new Thread(this::loop, "fancy-journal-" + file.getFileName());
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Runs {@code unit} in the next transaction and waits until that transaction committed (or
   * failed). Waiting is uninterruptible (an interrupt is kept for later): a caller must never
   * believe a unit failed that then commits.
   *
   * @param what what the unit does, for messages ("commit attempt ...")
   * @throws JournalException if the unit or its transaction failed; nothing of it was written
   */
  @SuppressWarnings("unchecked")
  <T> T run(String what, Unit<T> unit) {
    if (closed) {
      throw new JournalException("cannot " + what + ": the journal " + file + " is closed", null);
    }
    CompletableFuture<Object> done = new CompletableFuture<>();
    boolean interrupted = false;
    try {
      Request request = new Request(unit, what, done);
      while (true) {
        try {
          queue.put(request);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      while (true) {
        try {
          return (T) done.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException runtime && !(cause instanceof JournalException)) {
            throw runtime; // a unit's own check (a bad argument), not a journal failure
          }
          if (cause instanceof Error error) {
            throw error;
          }
          throw JournalFailures.of(file, what, cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Adds {@code unit} to the next transaction the writer commits anyway, and returns at once: it
   * never costs a commit (an fsync) of its own unless no other write comes within
   * {@link #LAZY_FLUSH_MILLIS}. A failure is logged, not thrown: for writes whose loss loses no
   * state, such as events, which describe state the journal holds already.
   */
  void enqueue(String what, Unit<?> unit) {
    if (closed) {
      return;
    }
    CompletableFuture<Object> done = new CompletableFuture<>();
    done.whenComplete((ignored, error) -> {
      if (error != null) {
        LoggerFactory.getLogger(JournalWriter.class).warn("could not {} in {}: {}", what, file,
            error.getMessage());
      }
    });
    lazy.add(new Request(unit, what, done));
  }

  /** Moves lazy units into {@code batch}, up to {@link #MAX_BATCH} units in all. */
  private void addLazy(List<Request> batch) {
    Request request;
    while (batch.size() < MAX_BATCH && (request = lazy.poll()) != null) {
      batch.add(request);
    }
  }

  private void loop() {
    List<Request> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty() || !lazy.isEmpty()) {
      try {
        Request first = queue.poll(LAZY_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, MAX_BATCH - 1);
        }
        addLazy(batch);
        if (batch.isEmpty()) {
          continue;
        }
        commit(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Throwable t) {
        for (Request request : batch) {
          request.done().completeExceptionally(t);
        }
      } finally {
        batch.clear();
      }
    }
    Request left;
    while ((left = queue.poll()) != null) {
      left.done().completeExceptionally(new JournalException("the journal " + file + " was "
          + "closed before it could " + left.what(), null));
    }
  }

  private void commit(List<Request> batch) {
    try {
      begin();
    } catch (SQLException e) {
      fail(batch, e);
      return;
    }
    Object[] results = new Object[batch.size()];
    Throwable[] errors = new Throwable[batch.size()];
    SQLException abort = null;
    // A unit alone needs no savepoint: if it fails, rolling back its transaction is the same.
    boolean savepoints = batch.size() > 1;
    for (int i = 0; i < batch.size() && abort == null; i++) {
      try {
        if (savepoints) {
          execute("SAVEPOINT unit");
        }
        results[i] = batch.get(i).unit().run(sql);
        if (savepoints) {
          execute("RELEASE unit");
        }
      } catch (SQLException e) {
        if (JournalFailures.abortsTransaction(e) || !savepoints) {
          abort = e;
        } else {
          errors[i] = e;
          abort = rollbackUnit();
        }
      } catch (RuntimeException | Error e) {
        errors[i] = e;
        abort = savepoints ? rollbackUnit() : null;
      }
    }
    if (!savepoints && errors[0] != null) {
      rollbackQuietly();
      sql.reset();
      fail(batch, errors[0]);
      return;
    }
    if (abort == null) {
      try {
        commitWithRetry();
      } catch (SQLException e) {
        abort = e;
      }
    }
    if (abort != null) {
      rollbackQuietly();
      sql.reset();
      fail(batch, abort);
      return;
    }
    transactions.incrementAndGet();
    units.addAndGet(batch.size());
    largestBatch.accumulateAndGet(batch.size(), Math::max);
    for (int i = 0; i < batch.size(); i++) {
      if (errors[i] != null) {
        sql.reset();
        batch.get(i).done().completeExceptionally(errors[i]);
      } else {
        batch.get(i).done().complete(results[i]);
      }
    }
  }

  /** Rolls back the current unit's savepoint; returns the error if that failed. */
  private SQLException rollbackUnit() {
    try {
      execute("ROLLBACK TO unit");
      execute("RELEASE unit");
      return null;
    } catch (SQLException e) {
      return e;
    }
  }

  private void begin() throws SQLException {
    retryWhileBusy("BEGIN IMMEDIATE");
  }

  private void commitWithRetry() throws SQLException {
    retryWhileBusy("COMMIT");
  }

  /**
   * Executes {@code statement}, retrying with exponential backoff (1 ms doubling to 100 ms) while
   * another connection holds the lock, until the busy timeout has passed.
   */
  private void retryWhileBusy(String statement) throws SQLException {
    long deadline = System.nanoTime() + busyTimeout.toNanos();
    long pauseMillis = 1;
    while (true) {
      try {
        execute(statement);
        return;
      } catch (SQLException e) {
        long left = deadline - System.nanoTime();
        if (!JournalFailures.isBusy(e) || left <= 0) {
          throw e;
        }
        busyRetries.incrementAndGet();
        LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(pauseMillis)));
        pauseMillis = Math.min(pauseMillis * 2, 100);
      }
    }
  }

  /** Executes a transaction-control statement, prepared once and reused. */
  private void execute(String statement) throws SQLException {
    sql.prepare(statement).execute();
  }

  private void rollbackQuietly() {
    try {
      execute("ROLLBACK");
    } catch (SQLException ignored) {
      // SQLite may have rolled the transaction back itself (full disk, I/O error)
    }
  }

  private static void fail(List<Request> batch, Throwable error) {
    for (Request request : batch) {
      request.done().completeExceptionally(error);
    }
  }

  /** Counters since the journal was opened. */
  JournalStatistics statistics() {
    return new JournalStatistics(transactions.get(), units.get(), largestBatch.get(),
        busyRetries.get());
  }

  /** Finishes the queued units, then stops the writer and closes its statements. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sql.reset();
  }
}
