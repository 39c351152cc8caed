package dev.fancy.journal;

import dev.fancy.FancyException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The journal cannot be opened, read or written; {@link #reason()} says why, as a value a caller
 * can branch on, and the message says which file, what failed and what to do. Whatever failed
 * was rolled back: nothing is half-written.
 */
public class JournalException extends FancyException {
  private static final long serialVersionUID = 1L;

  /** Why a journal operation failed. */
  public enum Reason {
    /**
     * The disk that holds the journal (or its value files) is full ({@code SQLITE_FULL},
     * {@code ENOSPC}); runs that were executing stay {@code RUNNING} and resume once space is
     * freed. The message starts with {@code journal disk is full}.
     */
    FULL,
    /**
     * The file is damaged ({@code SQLITE_CORRUPT}, {@code SQLITE_NOTADB}, problems found by
     * {@code PRAGMA quick_check}, or a row that does not parse); the message says how to recover:
     * restore a backup written by {@code Journal.backup}, or copy out what is still readable.
     */
    CORRUPT,
    /**
     * Another process held the write lock longer than {@link JournalOptions#busyTimeout()}, even
     * after retries with backoff.
     */
    BUSY,
    /**
     * This process no longer holds the lease of {@link #runId()}: another process took the run
     * over (its lease had run out, for example while this process was paused), so this
     * process's late writes for the run are refused. Fencing as in Martin Kleppmann's fencing
     * tokens: every write checks the lease owner and epoch in the same transaction. The run goes
     * on in the process that holds it.
     */
    LEASE_LOST,
    /** The file is read-only, closed, of a newer schema, or cannot be opened or read. */
    UNAVAILABLE
  }

  private final Reason reason;
  private final UUID runId;

  /** Creates an exception for {@link Reason#UNAVAILABLE}. */
  public JournalException(String message, Throwable cause) {
    this(Reason.UNAVAILABLE, null, message, cause);
  }

  /**
   * Creates the exception.
   *
   * @param runId the run concerned, or null
   */
  public JournalException(Reason reason, UUID runId, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.runId = runId;
  }

  /** Why the operation failed. */
  public Reason reason() {
    return reason;
  }

  /** The run concerned, where one is (always for {@link Reason#LEASE_LOST}). */
  public Optional<UUID> runId() {
    return Optional.ofNullable(runId);
  }

  /**
   * Whether the journal recovers from the failure by itself (busy, full, corrupt until restored,
   * lease lost): a run it stopped stays resumable rather than failing.
   */
  public boolean isTransient() {
    return reason == Reason.BUSY || reason == Reason.FULL || reason == Reason.LEASE_LOST
        || reason == Reason.CORRUPT;
  }
}
