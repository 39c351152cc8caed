package dev.fancy.internal.journal;

import dev.fancy.journal.JournalException;
import dev.fancy.journal.JournalStatistics;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The journal's only writer: every unit of work on the write connection goes through it, and the
 * units that arrive while a transaction commits are batched into the next transaction (group
 * commit), so concurrent steps share one disk sync. A caller that finds no transaction under way
 * runs its unit (with whatever waits) on its own thread; otherwise it queues the unit for the
 * writer thread, which takes everything queued as one batch. One lock guards the connection, so
 * there is only ever one transaction, whichever thread runs it.
 *
 * <p>Every transaction begins {@code IMMEDIATE}: it takes SQLite's write lock before reading, so a
 * unit never has to upgrade a read to a write, which is the case where SQLite cannot wait for
 * another process (its busy handler is not called then). While another process holds the lock,
 * {@code BEGIN IMMEDIATE} is retried with exponential backoff until the busy timeout; only then do
 * the batch's units fail, with a {@link JournalException} of reason {@code BUSY}. A unit that
 * shares its transaction with another unit of several statements runs under its own savepoint,
 * so a unit that fails alone is rolled back alone (a single statement needs none: SQLite rolls a
 * failed statement back by itself); an error after which SQLite may have rolled back the whole
 * transaction (a full disk, an I/O error, corruption) fails every unit of the batch with that
 * error. A caller returns only after the transaction holding its unit committed, so batching
 * never weakens durability. With {@code synchronous=FULL}, a transaction that holds only units
 * that do not need to be forced to disk ({@link #runUnforced}, {@link #enqueue}) commits with
 * {@code NORMAL}: kept if the process dies, forced to disk by the next forced commit. The queue
 * is bounded: when it is full, callers wait (back-pressure).
 */
final class JournalWriter implements AutoCloseable {

  /** A unit of work on the write connection, inside a transaction. */
  interface Unit<T> {
    T run(Sql sql) throws SQLException;
  }

  /** What a unit sees of the connection. */
  static final class Sql {
    private final StatementCache statements;

    private Sql(Connection connection) {
      this.statements = new StatementCache(connection);
    }

    /**
     * A prepared statement for {@code sql}, prepared once and reused (only the thread holding
     * the connection's lock touches it). Never close it.
     */
    PreparedStatement prepare(String sql) throws SQLException {
      return statements.prepare(sql);
    }

    /** The connection, for statements that must not be cached (callers close them). */
    Connection connection() {
      return statements.connection();
    }

    /** Closes every cached statement: after an error they may be in a state SQLite refuses. */
    void reset() {
      statements.reset();
    }
  }

  /**
   * A unit waiting for the writer. Completed only through {@link #succeed} and {@link #fail}.
   *
   * @param what what the unit does, for messages; a supplier, so that the many units no one
   *     reports on (events) do not build their text
   * @param done the caller's wait, or null for a unit no one waits for ({@link #enqueue}): its
   *     failure is logged
   * @param committed for a unit no one waits for, what to call with its result once its
   *     transaction committed, or null
   * @param forced whether its commit must be forced to disk ({@code synchronous=FULL}) before
   *     the caller returns; if not, it is committed (visible to every process, kept if a process
   *     dies) and reaches the disk with the next forced commit (a prefix of the WAL always does)
   * @param single whether it is one statement, which SQLite rolls back by itself if it fails
   *     (so it needs no savepoint)
   */
  private record Request(Unit<?> unit, Supplier<String> what,
      CompletableFuture<Object> done, Consumer<Object> committed, boolean forced,
      boolean single) {}

  private static final int MAX_BATCH = 1024;
  /** Transactions between background checkpoints (also run every 200 ms after any commit). */
  private static final int CHECKPOINT_TRANSACTIONS = 256;
  /** How long lazy units wait for a transaction to join before they get one of their own. */
  static final long LAZY_FLUSH_MILLIS = 50;

  private final Path file;
  private final Connection connection;
  private final Sql sql;
  /** Whether the journal forces commits ({@code synchronous=FULL}): then unforced units skip it. */
  private final boolean full;
  /** The connection's {@code synchronous} now: true FULL, false NORMAL, null unknown. */
  private Boolean forcing;
  private final Duration busyTimeout;
  private final BlockingQueue<Request> queue;
  /** Units that ride along with the next transaction ({@link #enqueue}). */
  private final java.util.concurrent.ConcurrentLinkedQueue<Request> lazy =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Thread writer;
  /** Copies the WAL into the database in the background (null for a read-only journal). */
  private final Thread checkpointer;
  private final Connection checkpoints;
  /**
   * Held while a transaction is under way, by the writer thread or by a caller that found the
   * connection free ({@link #lead}); guards the connection, its statements and {@link #forcing}.
   */
  private final java.util.concurrent.locks.ReentrantLock connectionLock =
      new java.util.concurrent.locks.ReentrantLock();
  private volatile boolean closed;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong units = new AtomicLong();
  private final AtomicLong busyRetries = new AtomicLong();
  private final AtomicLong largestBatch = new AtomicLong();
  /** Units submitted and not yet committed or failed (the queue depth of the statistics). */
  private final AtomicLong pending = new AtomicLong();

  /**
   * @param checkpoints a connection of its own for checkpoints in the background (closed with
   *     the writer), or null for none
   * @param full whether the connection was opened with {@code synchronous=FULL}; the writer then
   *     sets {@code NORMAL} for transactions that hold only units that need no forced commit
   */
  JournalWriter(Path file, Connection connection, Connection checkpoints, boolean full,
      Duration busyTimeout, int capacity) {
    this.file = file;
    this.full = full;
    this.forcing = full ? null : Boolean.FALSE;
    this.connection = connection;
    this.sql = new Sql(connection);
    this.busyTimeout = busyTimeout;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = new Thread(this::loop, "fancy-journal-" + file.getFileName());
    writer.setDaemon(true);
    writer.start();
    this.checkpoints = checkpoints;
    if (checkpoints != null) {
      this.checkpointer = new Thread(this::checkpoints, "fancy-checkpoint-" + file.getFileName());
      checkpointer.setDaemon(true);
      checkpointer.start();
    } else {
      this.checkpointer = null;
    }
  }

  /**
   * Runs {@code unit} in the next transaction and waits until that transaction committed (or
   * failed). Waiting is uninterruptible (an interrupt is kept for later): a caller must never
   * believe a unit failed that then commits.
   *
   * @param what what the unit does, for messages ("commit attempt ...")
   * @throws JournalException if the unit or its transaction failed; nothing of it was written
   */
  <T> T run(String what, Unit<T> unit) {
    return run(what, unit, true);
  }

  /**
   * Runs {@code unit} as {@link #run} does, except that with {@code synchronous=FULL} its commit
   * is not forced to disk before this returns: it is committed, visible to every process and kept
   * if this process dies, but a power loss or an OS crash before the next forced commit (of any
   * unit, in any process) loses it. SQLite's WAL keeps commits in order, so it can never be lost
   * while a later forced commit is kept. For writes that a later forced unit depends on anyway,
   * such as allocating an attempt whose result commits forced.
   */
  <T> T runUnforced(String what, Unit<T> unit) {
    return run(what, unit, false);
  }

  @SuppressWarnings("unchecked")
  private <T> T run(String what, Unit<T> unit, boolean forced) {
    if (closed) {
      throw new JournalException("cannot " + what + ": the journal " + file + " is closed", null);
    }
    CompletableFuture<Object> done = new CompletableFuture<>();
    pending.incrementAndGet();
    // Kept for later: waiting is uninterruptible, and so is leading (an interrupt would make the
    // busy retries spin).
    boolean interrupted = Thread.interrupted();
    try {
      Request request = new Request(unit, () -> what, done, null, forced, false);
      if (!lead(request)) {
        while (true) {
          try {
            queue.put(request);
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
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
   * state, such as events, which describe state the journal holds already. {@code unit} must be
   * a single statement: it runs without a savepoint of its own.
   *
   * @param committed called with the unit's result once its transaction committed, or null: on
   *     the thread that committed it, after releasing the connection, so it must be quick (the
   *     calls for two transactions can overlap on two threads); an exception it throws is logged
   */
  @SuppressWarnings("unchecked")
  <T> void enqueue(Supplier<String> what, Unit<T> unit, Consumer<? super T> committed) {
    if (closed) {
      return;
    }
    pending.incrementAndGet();
    lazy.add(new Request(unit, what, null, (Consumer<Object>) committed, false, true));
  }

  /** Completes {@code request} with its unit's result; it is no longer pending. */
  private void succeed(Request request, Object result) {
    pending.decrementAndGet();
    if (request.done() != null) {
      request.done().complete(result);
    } else if (request.committed() != null) {
      try {
        request.committed().accept(result);
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(JournalWriter.class).warn("after {} in {}: {}",
            request.what().get(), file, e.toString(), e);
      }
    }
  }

  /**
   * Fails {@code request}: its caller gets {@code error}, or, for a unit no one waits for, the
   * error is logged. It is no longer pending.
   */
  private void fail(Request request, Throwable error) {
    pending.decrementAndGet();
    if (request.done() != null) {
      request.done().completeExceptionally(error);
    } else {
      LoggerFactory.getLogger(JournalWriter.class).warn("could not {} in {}: {}",
          request.what().get(), file, error.getMessage());
    }
  }

  /**
   * Commits {@code request} on the caller's thread, with whatever waits in the queue, if no
   * transaction is under way: a caller that finds the connection free saves two hand-offs between
   * threads (to the writer and back), which on a busy machine cost more than the transaction.
   *
   * @return false if a transaction is under way (then the caller queues its request, and the
   *     writer thread takes it with the next batch)
   */
  private boolean lead(Request request) {
    // Not ahead of the writer thread when it waits for the connection with a request in hand
    // (tryLock would barge in), so that a stream of callers cannot keep that request waiting.
    if (connectionLock.hasQueuedThreads() || !connectionLock.tryLock()) {
      return false;
    }
    List<Request> batch = new ArrayList<>();
    Runnable outcome;
    try {
      if (closed) {
        outcome = () -> fail(request, new JournalException("cannot " + request.what().get()
            + ": the journal " + file + " is closed", null));
      } else {
        batch.add(request);
        queue.drainTo(batch, MAX_BATCH - 1);
        addLazy(batch);
        outcome = commit(batch);
      }
    } catch (Throwable t) {
      outcome = () -> fail(batch, t);
    } finally {
      connectionLock.unlock();
    }
    outcome.run();
    return true;
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
        if (first == null && lazy.isEmpty()) {
          continue;
        }
        Runnable outcome = null;
        connectionLock.lock();
        try {
          if (first != null) {
            batch.add(first);
          }
          queue.drainTo(batch, MAX_BATCH - batch.size());
          addLazy(batch);
          if (!batch.isEmpty()) {
            outcome = commit(batch);
          }
        } finally {
          connectionLock.unlock();
        }
        if (outcome != null) {
          outcome.run();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Throwable t) {
        fail(batch, t);
      } finally {
        batch.clear();
      }
    }
    Request left;
    while ((left = queue.poll()) != null) {
      fail(left, new JournalException("the journal " + file + " was closed before it could "
          + left.what().get(), null));
    }
  }

  /**
   * Copies committed pages from the WAL into the database file ({@code PRAGMA
   * wal_checkpoint(PASSIVE)}: it waits for no reader or writer) every
   * {@link #CHECKPOINT_TRANSACTIONS} transactions, on a connection of its own, so that a
   * transaction seldom has to: SQLite's automatic checkpoint runs inside the commit that fills
   * the WAL and forces both files to disk while its caller waits. The write connection keeps its
   * automatic checkpoint, at {@code JournalStore}'s larger threshold, for whatever this one
   * could not copy (pages a reader still needed, or the last commits) and to restart the WAL.
   */
  private void checkpoints() {
    long copied = 0;
    while (!closed) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(200));
      long now = transactions.get();
      if (closed || now == copied) {
        continue;
      }
      copied = now;
      try (java.sql.Statement statement = checkpoints.createStatement()) {
        statement.execute("PRAGMA wal_checkpoint(PASSIVE)");
      } catch (SQLException e) {
        // Another process checkpoints, or the disk is full: the commits' own checkpoints remain.
        LoggerFactory.getLogger(JournalWriter.class).debug("background checkpoint of {} "
            + "failed: {}", file, e.getMessage());
      }
    }
  }

  /**
   * Runs {@code batch} in one transaction and commits it. Returns what completes the units'
   * callers, for the caller of this method to run once it has released the connection: waking a
   * hundred waiting threads costs a system call each, and the next transaction should not wait
   * for them (on two busy cores it did, for a third of the time the connection was held).
   */
  private Runnable commit(List<Request> batch) {
    int plain = 0;
    boolean force = false;
    for (int i = 0; i < batch.size(); i++) {
      Request request = batch.get(i);
      force |= request.forced();
      if (!request.single()) {
        plain++;
        if (plain == 1 && i > 0) { // the one plain unit runs first (see below)
          batch.add(0, batch.remove(i));
        }
      }
    }
    // A plain unit needs a savepoint only if another plain unit shares its transaction. Alone,
    // it runs first: if it fails, the transaction is rolled back, and the single-statement units
    // after it, which have not run, wait for the next transaction. A single statement that fails
    // is rolled back by SQLite itself.
    boolean savepoints = plain > 1;
    try {
      synchronous(full && force);
      begin();
    } catch (SQLException e) {
      return () -> fail(batch, e);
    }
    Object[] results = new Object[batch.size()];
    Throwable[] errors = new Throwable[batch.size()];
    SQLException abort = null;
    Throwable alone = null;
    for (int i = 0; i < batch.size() && abort == null && alone == null; i++) {
      Request request = batch.get(i);
      boolean savepoint = savepoints && !request.single();
      try {
        if (savepoint) {
          execute("SAVEPOINT unit");
        }
        results[i] = request.unit().run(sql);
        if (savepoint) {
          execute("RELEASE unit");
        }
      } catch (SQLException e) {
        if (JournalFailures.abortsTransaction(e)) {
          abort = e;
        } else if (savepoint) {
          errors[i] = e;
          abort = rollbackUnit();
        } else if (request.single()) {
          errors[i] = e;
        } else {
          alone = e;
        }
      } catch (RuntimeException | Error e) {
        if (savepoint) {
          errors[i] = e;
          abort = rollbackUnit();
        } else if (request.single()) {
          errors[i] = e;
        } else {
          alone = e;
        }
      }
    }
    if (alone != null) {
      rollbackQuietly();
      sql.reset();
      for (int i = 1; i < batch.size(); i++) {
        lazy.add(batch.get(i)); // single-statement units, which have not run
      }
      Request failed = batch.get(0);
      Throwable error = alone;
      return () -> fail(failed, error);
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
      SQLException error = abort;
      return () -> fail(batch, error);
    }
    if (transactions.incrementAndGet() % CHECKPOINT_TRANSACTIONS == 0 && checkpointer != null) {
      LockSupport.unpark(checkpointer);
    }
    units.addAndGet(batch.size());
    largestBatch.accumulateAndGet(batch.size(), Math::max);
    for (Throwable error : errors) {
      if (error != null) {
        sql.reset();
        break;
      }
    }
    return () -> {
      for (int i = 0; i < batch.size(); i++) {
        if (errors[i] != null) {
          fail(batch.get(i), errors[i]);
        } else {
          succeed(batch.get(i), results[i]);
        }
      }
    };
  }

  /**
   * Sets the connection's {@code synchronous} to FULL ({@code force}) or NORMAL, between
   * transactions, if it is not set so already.
   */
  private void synchronous(boolean force) throws SQLException {
    if (forcing != null && forcing == force) {
      return;
    }
    forcing = null;
    execute(force ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    forcing = force;
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

  private void fail(List<Request> batch, Throwable error) {
    for (Request request : batch) {
      fail(request, error);
    }
  }

  /** Counters since the journal was opened. */
  JournalStatistics statistics() {
    return new JournalStatistics(transactions.get(), units.get(), largestBatch.get(),
        busyRetries.get(), pending.get());
  }

  /** Finishes the queued units, then stops the writer and closes its statements. */
  @Override
  public void close() {
    closed = true;
    if (checkpointer != null) {
      LockSupport.unpark(checkpointer);
    }
    try {
      writer.join(10_000);
      if (checkpointer != null) {
        checkpointer.join(10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connectionLock.lock(); // waits for a caller's transaction under way; none starts after
    try {
      sql.reset();
    } finally {
      connectionLock.unlock();
    }
    if (checkpoints != null) {
      try {
        checkpoints.close();
      } catch (SQLException ignored) {
        // it only ever checkpointed
      }
    }
  }
}
