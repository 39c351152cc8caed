package dev.fancy.internal.journal;

import dev.fancy.journal.JournalException;
import dev.fancy.journal.JournalOptions;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Turns SQLite and file-system failures into {@link JournalException}s that say what happened to
 * which journal and what to do, from SQLite's result codes (https://sqlite.org/rescode.html).
 */
final class JournalFailures {
  private JournalFailures() {}

  /** SQLite's primary result code of {@code e} (extended codes reduced), or -1 if unknown. */
  static int primaryCode(SQLException e) {
    if (e instanceof SQLiteException sqlite && sqlite.getResultCode() != null) {
      return sqlite.getResultCode().code & 0xff;
    }
    return -1;
  }

  /** Whether another connection holds a lock that {@code e} waited for in vain. */
  static boolean isBusy(SQLException e) {
    int code = primaryCode(e);
    return code == SQLiteErrorCode.SQLITE_BUSY.code || code == SQLiteErrorCode.SQLITE_LOCKED.code;
  }

  /**
   * Whether SQLite may have rolled back the whole transaction after {@code e}, so the batch it
   * belongs to cannot go on (https://sqlite.org/lang_transaction.html, "Response To Errors Within
   * A Transaction").
   */
  static boolean abortsTransaction(SQLException e) {
    int code = primaryCode(e);
    return code == SQLiteErrorCode.SQLITE_FULL.code || code == SQLiteErrorCode.SQLITE_IOERR.code
        || code == SQLiteErrorCode.SQLITE_BUSY.code || code == SQLiteErrorCode.SQLITE_NOMEM.code
        || code == SQLiteErrorCode.SQLITE_CORRUPT.code || code == SQLiteErrorCode.SQLITE_NOTADB.code
        || code == SQLiteErrorCode.SQLITE_INTERRUPT.code || code == -1;
  }

  /**
   * The journal exception for a failure of {@code what} (e.g. "commit attempt k") on the journal
   * {@code file}. A {@link JournalException} passes through unchanged.
   */
  static JournalException of(Path file, String what, Throwable e) {
    if (e instanceof JournalException journal) {
      return journal;
    }
    if (e instanceof SQLException sql) {
      int code = primaryCode(sql);
      if (code == SQLiteErrorCode.SQLITE_FULL.code) {
        return full(file, what, e);
      }
      if (code == SQLiteErrorCode.SQLITE_CORRUPT.code || code == SQLiteErrorCode.SQLITE_NOTADB.code) {
        return corrupt(file, String.valueOf(e.getMessage()), e);
      }
      if (isBusy(sql)) {
        return new JournalException(JournalException.Reason.BUSY, null, "journal is busy: cannot " + what + " in " + file
            + ": another process held its write lock too long (" + e.getMessage() + "). Check for "
            + "a process holding a long transaction on the file, or raise "
            + "JournalOptions.busyTimeout", e);
      }
      if (code == SQLiteErrorCode.SQLITE_READONLY.code) {
        return new JournalException("cannot " + what + " in the journal " + file + ": "
            + e.getMessage() + ". The journal is read-only; open it writable (check the file's "
            + "permissions)", e);
      }
    }
    if (e instanceof IOException io && isNoSpace(io)) {
      return full(file, what, e);
    }
    return new JournalException("cannot " + what + " in the journal " + file + ": "
        + e.getMessage(), e);
  }

  static JournalException full(Path file, String what, Throwable e) {
    return new JournalException(JournalException.Reason.FULL, null, "journal disk is full: cannot " + what + " in " + file + " ("
        + e.getMessage() + "). Nothing was half-written; free space on the disk of "
        + file.getParent() + " and the runs resume", e);
  }

  static JournalException corrupt(Path file, String problem, Throwable e) {
    return new JournalException(JournalException.Reason.CORRUPT, null, "the journal " + file + " is corrupt (" + problem + "). "
        + "Stop every process using it, then restore the last backup (Journal.backup and "
        + "DurableEngine.backup write one), or salvage what is readable into a new file with "
        + "`sqlite3 " + file + " \".recover\" | sqlite3 recovered.db` or "
        + "`VACUUM INTO 'copy.db'`", e);
  }

  /**
   * The exception for a damaged or missing file in the journal's values directory (a blob whose
   * bytes do not match their hash, a value file that is gone).
   */
  static JournalException corruptValues(Path file, String problem, Throwable e) {
    return new JournalException(JournalException.Reason.CORRUPT, null, "a value of the journal "
        + file + " is corrupt: " + problem + ". Stop every process using the journal, then "
        + "restore the last backup (Journal.backup and DurableEngine.backup copy the values "
        + "directory with the file)", e);
  }

  /** Whether an I/O failure means the disk is full ({@code ENOSPC}). */
  static boolean isNoSpace(IOException e) {
    String message = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
    if (message == null && e.getCause() instanceof IOException cause) {
      return isNoSpace(cause);
    }
    return message != null && (message.contains("No space left on device")
        || message.contains("Disk quota exceeded") || message.contains("not enough space"));
  }
}
