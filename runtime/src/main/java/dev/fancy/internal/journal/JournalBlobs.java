package dev.fancy.internal.journal;

import dev.fancy.journal.JournalException;
import dev.fancy.value.Blob;
import dev.fancy.value.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The journal's {@link BlobStore}: the raw bytes of every {@link Blob} a journaled run's values
 * hold, once per content, in {@code <journal>.values/blobs/<first two hex digits>/<sha256>}, next
 * to the SQLite file. Rows hold only the blob's reference.
 *
 * <p>Writing: the bytes are copied to a temporary file in {@code blobs/} while they are hashed,
 * forced to disk, checked against the blob's SHA-256 and size, atomically renamed to their hash
 * and the directory forced; only then is the reference written, so the row that commits after it
 * always finds complete bytes, and a crash in between leaves at most an unreferenced blob (or a
 * temporary file, deleted at the next open after an hour), never a half value under a hash.
 *
 * <p>Reading: the file's size is checked when the blob is read back from a row, and its bytes
 * against the SHA-256 as they are streamed; a mismatch is a {@link JournalException} of reason
 * {@code CORRUPT} naming the file. File names are made only from a checked hash, so a reference
 * can name no file outside {@code blobs/}.
 */
final class JournalBlobs implements BlobStore {

  private static final String TEMP_PREFIX = ".blob-";
  /** How a reference names a blob in JSON (see {@code Blob.uri()}). */
  static final String URI_PREFIX = "fancy:blob:sha256:";
  private static final java.util.regex.Pattern REFERENCE =
      java.util.regex.Pattern.compile(URI_PREFIX + "([0-9a-f]{64})");

  private final Path journal;
  private final Path dir;
  private final java.time.Clock clock;

  JournalBlobs(Path journal, Path valuesDir, java.time.Clock clock) {
    this.journal = journal;
    this.dir = valuesDir.resolve("blobs");
    this.clock = clock;
  }

  /** The directory of the blobs. */
  Path dir() {
    return dir;
  }

  /** Where the bytes of {@code sha256} are kept (the hash is checked by the caller). */
  Path file(String sha256) {
    return dir.resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  @Override
  public Blob put(Blob blob) {
    Path target = file(blob.sha256());
    try {
      if (Files.size(target) == blob.size()) {
        touch(target);
        return stored(blob.sha256(), blob.size(), target);
      }
    } catch (NoSuchFileException absent) {
      // store it below
    } catch (IOException e) {
      throw JournalFailures.of(journal, "look for blob " + blob.sha256(), e);
    }
    try {
      write(blob, target);
    } catch (IOException e) {
      throw JournalFailures.of(journal, "store the " + blob.size() + " bytes of blob sha256:"
          + blob.sha256() + " in " + dir, e);
    }
    return stored(blob.sha256(), blob.size(), target);
  }

  /**
   * Marks a stored blob as in use again: collection spares blobs touched within its grace
   * period. Best effort (a read-only journal cannot, and needs not: it collects nothing).
   */
  private void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(clock.instant()));
    } catch (IOException ignored) {
      // read-only: nothing collects blobs here
    }
  }

  @Override
  public Blob get(String sha256, long size) {
    Path file = file(sha256);
    long actual;
    try {
      java.nio.file.attribute.BasicFileAttributes attributes = Files.readAttributes(file,
          java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile() || !file.getParent().toRealPath().equals(
          dir.toRealPath().resolve(sha256.substring(0, 2)))) {
        throw corrupt("blob file " + file + " is not a regular file inside " + dir + " (a "
            + "symbolic link, or a link on its way); blobs are read only from their own files",
            null);
      }
      actual = attributes.size();
    } catch (NoSuchFileException e) {
      throw corrupt("blob sha256:" + sha256 + " (" + size + " bytes) is missing: no file " + file
          + " (was the journal's values directory deleted, moved or not copied with it?)", e);
    } catch (IOException e) {
      throw JournalFailures.of(journal, "read blob " + sha256, e);
    }
    if (actual != size) {
      throw corrupt("blob file " + file + " holds " + actual + " bytes where its reference says "
          + size, null);
    }
    return stored(sha256, size, file);
  }

  private Blob stored(String sha256, long size, Path file) {
    // NOFOLLOW_LINKS: a blob file swapped for a link after the check is not followed either
    return Blob.stored(sha256, size, () -> Files.newInputStream(file,
        StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS),
        "in the journal's " + file, (read, actual) -> {
          throw actual == null
              ? corrupt("blob file " + file + " holds more than the " + size + " bytes of its "
                  + "reference", null)
              : corrupt("blob file " + file + " is damaged: " + read + " bytes hashing to "
                  + actual + " where its reference says " + size + " bytes hashing to " + sha256,
                  null);
        });
  }

  private void write(Blob blob, Path target) throws IOException {
    DurableFiles.createParent(target, dir);
    Path temp = Files.createTempFile(dir, TEMP_PREFIX, ".tmp");
    try {
      MessageDigest digest = sha256();
      long written = 0;
      try (InputStream in = blob.openStream();
          FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        byte[] buffer = new byte[1 << 16];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        for (int n; (n = in.read(buffer)) >= 0; ) {
          digest.update(buffer, 0, n);
          wrapped.clear().limit(n);
          while (wrapped.hasRemaining()) {
            channel.write(wrapped);
          }
          written += n;
        }
        channel.force(true);
      }
      String hash = HexFormat.of().formatHex(digest.digest());
      if (written != blob.size() || !hash.equals(blob.sha256())) {
        throw new IOException("the blob's bytes changed since it was made: " + written
            + " bytes hashing to " + hash + " where it has " + blob.size() + " bytes hashing to "
            + blob.sha256() + " (" + blob + ")");
      }
      DurableFiles.publish(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Deletes temporary files older than {@code age}, left by processes that died while storing a
   * blob.
   *
   * @return how many were deleted
   */
  int deleteTemporaryFiles(Duration age, Instant now) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int deleted = 0;
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*.tmp")) {
      for (Path temp : temps) {
        if (Files.getLastModifiedTime(temp).toInstant().plus(age).isBefore(now)) {
          deleted += Files.deleteIfExists(temp) ? 1 : 0;
        }
      }
    }
    return deleted;
  }

  /** Adds to {@code hashes} the hash of every blob reference in {@code text}. */
  static void references(CharSequence text, java.util.Set<String> hashes) {
    if (text == null) {
      return;
    }
    java.util.regex.Matcher matcher = REFERENCE.matcher(text);
    while (matcher.find()) {
      hashes.add(matcher.group(1));
    }
  }

  /**
   * Adds to {@code hashes} the hash of every blob reference in the JSON file {@code file},
   * read streaming (value files can be large).
   */
  static void references(Path file, java.util.Set<String> hashes) throws IOException {
    int keep = URI_PREFIX.length() + 64;
    try (java.io.Reader in = Files.newBufferedReader(file)) {
      char[] buffer = new char[1 << 16];
      StringBuilder window = new StringBuilder();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        window.append(buffer, 0, n);
        references(window, hashes);
        if (window.length() > keep) {
          window.delete(0, window.length() - keep);
        }
      }
    }
  }

  /**
   * Deletes the blobs no row refers to any more ({@code referenced} holds the hashes rows refer
   * to), except those written or reused within {@code grace} (a running attempt may be about to
   * commit a reference to one).
   *
   * @return how many blob files were deleted
   */
  int deleteUnreferenced(java.util.Set<String> referenced, Duration grace) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    Instant before = clock.instant().minus(grace);
    int deleted = 0;
    try (DirectoryStream<Path> prefixes = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path prefix : prefixes) {
        try (DirectoryStream<Path> blobs = Files.newDirectoryStream(prefix)) {
          for (Path blob : blobs) {
            if (!referenced.contains(blob.getFileName().toString())
                && Files.getLastModifiedTime(blob).toInstant().isBefore(before)) {
              deleted += Files.deleteIfExists(blob) ? 1 : 0;
            }
          }
        }
      }
    }
    return deleted;
  }

  private JournalException corrupt(String problem, Throwable cause) {
    return JournalFailures.corruptValues(journal, problem, cause);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
