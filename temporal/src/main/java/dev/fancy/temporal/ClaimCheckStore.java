package dev.fancy.temporal;

import dev.fancy.value.Blob;
import dev.fancy.value.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Where payloads too large for Temporal's history travel instead (the claim-check pattern): the
 * payload's bytes are stored under the SHA-256 of their content, and only that key goes through
 * Temporal. Every worker and every client of a task queue must see the same store, for example a
 * directory on a shared file system.
 *
 * <p>Content addressing makes a stored payload immutable, so workflow code may read it during a
 * replay and get the same bytes. Payloads are never deleted by Fancy: clean the directory with
 * the retention of the Temporal namespace.
 *
 * <p>It is also the engine's {@link BlobStore}: a {@link Blob} in a value travels as its reference
 * ({@code {"uri", "sha256", "size"}}) and its raw bytes are stored here under their SHA-256, the
 * same key as any claim-checked payload, streamed in and out, never loaded whole (give the
 * engine and every worker this store: their codecs then read blobs from it).
 */
public final class ClaimCheckStore implements BlobStore {

  /** The default threshold: payloads above 256 KiB go to the store (Temporal's limit is 2 MB). */
  public static final int DEFAULT_THRESHOLD = 256 * 1024;

  private final Path directory;
  private final int threshold;

  private ClaimCheckStore(Path directory, int threshold) {
    this.directory = directory;
    this.threshold = threshold;
  }

  /**
   * A store in {@code directory} (created if missing) for payloads above
   * {@link #DEFAULT_THRESHOLD}.
   *
   * @throws UncheckedIOException if the directory cannot be created
   */
  public static ClaimCheckStore directory(Path directory) {
    return directory(directory, DEFAULT_THRESHOLD);
  }

  /**
   * A store in {@code directory} for payloads of more than {@code threshold} bytes.
   *
   * @throws IllegalArgumentException if {@code threshold < 1}
   * @throws UncheckedIOException if the directory cannot be created
   */
  public static ClaimCheckStore directory(Path directory, int threshold) {
    Objects.requireNonNull(directory, "directory == null");
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold " + threshold + " < 1");
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the claim-check directory " + directory, e);
    }
    return new ClaimCheckStore(directory, threshold);
  }

  /** The size in bytes above which payloads are stored here. */
  public int threshold() {
    return threshold;
  }

  /** The directory. */
  public Path directory() {
    return directory;
  }

  /**
   * Stores {@code bytes} and returns their key (64 hex digits of SHA-256).
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  public String put(byte[] bytes) {
    String key = sha256(bytes);
    Path file = directory.resolve(key);
    if (Files.exists(file)) {
      return key;
    }
    try {
      Path temp = Files.createTempFile(directory, key, ".tmp");
      Files.write(temp, bytes);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store a claim-checked payload in " + directory, e);
    }
    return key;
  }

  /**
   * The bytes stored under {@code key}.
   *
   * @throws IllegalArgumentException if the key is not a SHA-256 in hex
   * @throws UncheckedIOException if the payload is missing or cannot be read
   */
  public byte[] get(String key) {
    if (!key.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("'" + key + "' is not a claim-check key");
    }
    try {
      return Files.readAllBytes(directory.resolve(key));
    } catch (IOException e) {
      throw new UncheckedIOException("claim-checked payload " + key + " cannot be read from "
          + directory + "; every worker and client must share this directory", e);
    }
  }

  /**
   * Stores the bytes of {@code blob} under its SHA-256 (streamed; not again if present) and
   * returns a blob that reads them from here.
   *
   * @throws UncheckedIOException if the bytes cannot be read or written, or do not hash to the
   *     blob's SHA-256; nothing is left under the key
   */
  @Override
  public Blob put(Blob blob) {
    Path file = directory.resolve(blob.sha256());
    if (!Files.exists(file)) {
      try {
        Path temp = Files.createTempFile(directory, blob.sha256(), ".tmp");
        try {
          MessageDigest digest = MessageDigest.getInstance("SHA-256");
          try (InputStream in = new java.security.DigestInputStream(blob.openStream(), digest)) {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
          }
          String hash = HexFormat.of().formatHex(digest.digest());
          if (!hash.equals(blob.sha256()) || Files.size(temp) != blob.size()) {
            throw new IOException("the bytes of " + blob + " hash to " + hash);
          }
          try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
          }
        } finally {
          Files.deleteIfExists(temp);
        }
      } catch (IOException | NoSuchAlgorithmException e) {
        throw new UncheckedIOException("cannot store " + blob + " in the claim-check store "
            + directory, e instanceof IOException io ? io : new IOException(e));
      }
    }
    return get(blob.sha256(), blob.size());
  }

  /**
   * The blob stored under {@code sha256}, read lazily from its file.
   *
   * @throws UncheckedIOException if no such blob of that size is stored (every worker and client
   *     must share the directory)
   */
  @Override
  public Blob get(String sha256, long size) {
    Path file = directory.resolve(get0(sha256));
    try {
      if (Files.size(file) != size) {
        throw new IOException("it holds " + Files.size(file) + " bytes, not " + size);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("blob " + sha256 + " cannot be read from the claim-check "
          + "store " + directory + " (" + e.getMessage() + "); every worker and client must "
          + "share this directory", e);
    }
    return Blob.stored(sha256, size, () -> Files.newInputStream(file),
        "in the claim-check store " + file, (read, actual) -> {
          if (actual != null) { // too many bytes: reported at the end with their hash
            throw new IOException("the claim-checked blob " + file + " is damaged: " + read
                + " bytes hashing to " + actual + " where " + size + " bytes hashing to its "
                + "name were stored");
          }
        });
  }

  /**
   * {@code codec} with {@code claims} as its blob store, or {@code codec} itself without a store
   * (blobs then read back only in the process that made them).
   */
  static dev.fancy.value.ValueCodec withBlobs(dev.fancy.value.ValueCodec codec,
      ClaimCheckStore claims) {
    return claims == null ? codec
        : codec.withModules(java.util.List.of(BlobStore.jacksonModule(claims)));
  }

  private static String get0(String key) {
    if (!key.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("'" + key + "' is not a claim-check key");
    }
    return key;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
