package dev.fancy.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group commit: one writer thread owns the journal's connection and runs every unit of work that
 * callers hand it; the units that arrive while a transaction commits are batched into the next
 * transaction, so concurrent steps share one disk sync. Each unit runs under its own savepoint (a
 * failing unit is rolled back alone) and its caller returns only after the transaction holding it
 * committed, so batching never weakens durability.
 */
final class GroupCommit implements AutoCloseable {

  /** A unit of work on the connection. */
  interface Unit<T> {
    T run() throws SQLException;
  }

  private record Request(Unit<?> unit, CompletableFuture<Object> done) {}

  private static final int MAX_BATCH = 1024;

  private final Connection connection;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong units = new AtomicLong();

  GroupCommit(Connection connection, String name) {
    this.connection = connection;
    this.writer = new Thread(this::loop, name);
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Runs {@code unit} in the next transaction and waits until that transaction committed.
   * Waiting is uninterruptible (an interrupt is kept for later): a caller must never believe a
   * unit failed that then commits.
   */
  @SuppressWarnings("unchecked")
  <T> T run(Unit<T> unit) throws SQLException {
    if (closed) {
      throw new SQLException("the journal is closed");
    }
    CompletableFuture<Object> done = new CompletableFuture<>();
    queue.add(new Request(unit, done));
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return (T) done.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof SQLException sql) {
            throw sql;
          } else if (cause instanceof RuntimeException runtime) {
            throw runtime;
          } else if (cause instanceof Error error) {
            throw error;
          }
          throw new SQLException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void loop() {
    List<Request> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Request first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        commit(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Request> batch) {
    Object[] results = new Object[batch.size()];
    Throwable[] errors = new Throwable[batch.size()];
    try {
      connection.setAutoCommit(false);
      for (int i = 0; i < batch.size(); i++) {
        Savepoint savepoint = connection.setSavepoint();
        try {
          results[i] = batch.get(i).unit().run();
          connection.releaseSavepoint(savepoint);
        } catch (Throwable t) {
          errors[i] = t;
          connection.rollback(savepoint);
        }
      }
      connection.commit();
      transactions.incrementAndGet();
      units.addAndGet(batch.size());
    } catch (SQLException e) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the commit failure is reported to every caller
      }
      for (int i = 0; i < batch.size(); i++) {
        errors[i] = errors[i] != null ? errors[i] : e;
      }
    } finally {
      try {
        connection.setAutoCommit(true);
      } catch (SQLException ignored) {
        // the next batch sets it again
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      if (errors[i] != null) {
        batch.get(i).done().completeExceptionally(errors[i]);
      } else {
        batch.get(i).done().complete(results[i]);
      }
    }
  }

  /** Transactions committed so far. */
  long transactions() {
    return transactions.get();
  }

  /** Units committed so far. */
  long units() {
    return units.get();
  }

  /** Finishes the queued units, then stops the writer. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
