package dev.fancy.temporal;

import java.io.IOException;
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
 */
public final class ClaimCheckStore {

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

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
