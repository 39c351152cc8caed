package dev.fancy.value;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A large value: immutable bytes, known by their size and SHA-256, read as a stream and never
 * loaded whole. A step returns a {@code Blob} (or takes one as input) where it would otherwise
 * return a {@code byte[]} or a huge {@code String}: engines keep the bytes raw, out of the JSON
 * that carries cells, and hand the next step a blob that reads them lazily.
 *
 * <p>Make one with {@link #of(byte[])} (small values already in memory), {@link #of(Path)} (a file
 * the step wrote; read once here to hash it) or {@link #write(Writer)} (bytes written to a
 * stream, spooled to a temporary file while they are hashed: nothing is held in memory). Read it
 * with {@link #openStream()}, as often as needed.
 *
 * <p>Where the bytes live depends on the engine. The in-memory engine keeps the blob as it was
 * made (the array, the file, the spooled file; a spooled file is deleted once the blob is no
 * longer reachable). The durable engine stores the bytes once per content in its journal's value
 * directory ({@code <journal>.values/blobs/}), forced to disk before the step's result commits,
 * and checks them against the SHA-256 when they are read back. The Temporal engine stores them
 * in its claim-check store (docs/temporal.md).
 *
 * <p>In JSON (workflow constants, the journal's rows, claim checks, caches) a blob is a reference,
 * never its bytes: {@code {"uri": "fancy:blob:sha256:<hex>", "sha256": "<hex>", "size": <bytes>}}.
 * The URI names the content, not a place; readers find the bytes by hash in their own store, so a
 * reference can never point a reader at a file of its choosing.
 *
 * <p>Ideas borrowed: content addressing by digest as in Dagger's {@code File} and OCI/Docker
 * layers (same bytes, same identity, stored once, checked on read); the claim-check pattern
 * (Enterprise Integration Patterns), which Temporal's docs recommend for payloads over its 2 MB
 * limit; keeping large values out of the orchestrator's metadata store, as Airflow's guidance on
 * XCom (pass references to object storage) and Dagster's IO managers (the step returns a value,
 * the engine decides where its bytes go).
 *
 * <p>Two blobs are equal when their SHA-256 and size are equal.
 */
public final class Blob {

  /** Writes a blob's bytes; see {@link Blob#write(Writer)}. */
  @FunctionalInterface
  public interface Writer {
    /**
     * Writes every byte of the blob to {@code out}, then returns (do not close {@code out}).
     *
     * @throws IOException to abandon the blob; the spooled bytes are deleted
     */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Opens the bytes of a blob whose bytes a store keeps (see {@link #stored}).
   */
  @FunctionalInterface
  public interface Source {
    /**
     * Opens a new stream over every byte of the blob.
     *
     * @throws IOException if the bytes cannot be read
     */
    InputStream open() throws IOException;
  }

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Cleaner SPOOLS = Cleaner.create();
  private static final String URI_PREFIX = "fancy:blob:sha256:";

  private final String sha256;
  private final long size;
  /** Where the bytes are read from; moves once to a store that took them (see {@link #adopt}). */
  private volatile Source source;
  private volatile String describe;
  /** The temporary file of a blob made by {@link #write}, until a store took its bytes. */
  private volatile Path spool;

  private Blob(String sha256, long size, Source source, String describe) {
    this.sha256 = sha256;
    this.size = size;
    this.source = source;
    this.describe = describe;
  }

  /**
   * A blob of {@code bytes}, kept in memory (the array is copied). For values of a few megabytes
   * at most; larger ones are better written with {@link #write(Writer)}.
   *
   * @throws NullPointerException if {@code bytes} is null
   */
  public static Blob of(byte[] bytes) {
    byte[] copy = Objects.requireNonNull(bytes, "bytes == null").clone();
    String hash = HexFormat.of().formatHex(digest().digest(copy));
    return new Blob(hash, copy.length, () -> new ByteArrayInputStream(copy), "in memory");
  }

  /**
   * A blob of the bytes of {@code file}, which is read once here (streaming) to hash it. The blob
   * refers to the file and does not copy it: the file must stay unchanged while the blob is used
   * (an engine that stores blobs, such as the durable engine, copies the bytes when the step
   * ends; reading a file that changed meanwhile fails, as its hash no longer matches).
   *
   * @throws NullPointerException if {@code file} is null
   * @throws UncheckedIOException if the file is missing, a directory or unreadable
   */
  public static Blob of(Path file) {
    Path path = Objects.requireNonNull(file, "file == null").toAbsolutePath();
    if (!Files.isRegularFile(path)) {
      throw new UncheckedIOException(new IOException("cannot make a blob of " + path + ": "
          + (Files.exists(path) ? "it is not a regular file" : "it does not exist")));
    }
    MessageDigest digest = digest();
    long size;
    try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest)) {
      size = in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a blob of " + path + ": " + e.getMessage(), e);
    }
    String hash = HexFormat.of().formatHex(digest.digest());
    return new Blob(hash, size, () -> checked(Files.newInputStream(path), hash, size,
        path.toString()), path.toString());
  }

  /**
   * A blob of the bytes {@code writer} writes, spooled to a temporary file (in
   * {@code java.io.tmpdir}) and hashed as they are written, so no size fits in memory only. The
   * file is deleted when the blob is no longer reachable, or at once if {@code writer} fails.
   *
   * @throws NullPointerException if {@code writer} is null
   * @throws UncheckedIOException if {@code writer} throws an {@code IOException} or the temporary
   *     file cannot be written (for example the disk is full); nothing is left behind
   */
  public static Blob write(Writer writer) {
    Objects.requireNonNull(writer, "writer == null");
    Path spool;
    try {
      spool = Files.createTempFile("fancy-blob-", ".tmp");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary file for a blob: "
          + e.getMessage(), e);
    }
    MessageDigest digest = digest();
    long[] size = new long[1];
    try (OutputStream file = Files.newOutputStream(spool);
        OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(
            new CountingOutputStream(file, size), 1 << 16), digest)) {
      writer.writeTo(new NonClosingOutputStream(out));
    } catch (IOException e) {
      deleteQuietly(spool);
      throw new UncheckedIOException("writing a blob failed: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      deleteQuietly(spool);
      throw e;
    }
    String hash = HexFormat.of().formatHex(digest.digest());
    long length = size[0];
    String where = spool.toString();
    Blob blob = new Blob(hash, length, () -> checked(Files.newInputStream(spool), hash, length,
        where), "spooled to " + where);
    blob.spool = spool;
    SPOOLS.register(blob, () -> deleteQuietly(spool));
    return blob;
  }

  /**
   * How a store reports bytes that do not match their blob, in its own error (a damaged journal
   * file is a {@code JournalException}, a damaged claim check an {@code IOException}).
   */
  @FunctionalInterface
  public interface Mismatch {
    /**
     * Called when the bytes read do not match: with {@code actual} null as soon as more than the
     * blob's size arrived (returning goes on reading, to report at the end), else at the end with
     * the SHA-256 of what was read (returning throws a plain {@code IOException}).
     *
     * @param read the number of bytes read so far
     * @param actual the SHA-256 of all the bytes read, or null when there are too many
     * @throws IOException the store's error, or an unchecked one
     */
    void fail(long read, String actual) throws IOException;
  }

  /**
   * A blob whose bytes a store keeps elsewhere, opened on demand by {@code source}: for engines
   * and stores (the durable engine's journal, the Temporal engine's claim-check store), not for
   * steps. Every stream is checked as it is read: at its end the bytes must number {@code size}
   * and hash to {@code sha256}, or {@code mismatch} reports it in the store's own error.
   *
   * @param sha256 the SHA-256 of the bytes, 64 lower-case hex digits
   * @param size the number of bytes, {@code >= 0}
   * @param source opens the bytes
   * @param describe where the bytes are, for messages (for example a file name)
   * @param mismatch how the store reports bytes that do not match
   * @throws IllegalArgumentException if {@code sha256} is not 64 lower-case hex digits or
   *     {@code size < 0}
   */
  public static Blob stored(String sha256, long size, Source source, String describe,
      Mismatch mismatch) {
    requireSha256(sha256);
    if (size < 0) {
      throw new IllegalArgumentException("blob size " + size + " < 0");
    }
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(mismatch, "mismatch == null");
    return new Blob(sha256, size,
        () -> new CheckedInputStream(source.open(), sha256, size, mismatch),
        Objects.requireNonNull(describe, "describe == null"));
  }

  /**
   * Reads the bytes from {@code stored} from now on, the same content kept by a store (the
   * journal): a spooled file is deleted at once and an array is let go, instead of living as long
   * as this blob. Streams already open keep reading what they opened.
   */
  void adopt(Blob stored) {
    if (stored == this || !equals(stored)) {
      return;
    }
    source = stored.source;
    describe = stored.describe;
    Path file = spool;
    spool = null;
    if (file != null) {
      deleteQuietly(file);
    }
  }

  /**
   * Opens a new stream over the blob's bytes; the caller closes it. Reading a blob whose bytes
   * changed or were damaged since it was made fails when the stream reaches the damage or its
   * end (an {@code IOException} for a file, a {@code JournalException} with reason
   * {@code CORRUPT} for bytes in a journal).
   *
   * @throws IOException if the bytes cannot be opened (a file was deleted, for example)
   */
  public InputStream openStream() throws IOException {
    return source.open();
  }

  /** The number of bytes. */
  public long size() {
    return size;
  }

  /** The SHA-256 of the bytes: 64 lower-case hex digits. */
  public String sha256() {
    return sha256;
  }

  /** The blob's content URI, {@code fancy:blob:sha256:<hex>}: the same wherever it is stored. */
  public URI uri() {
    return URI.create(URI_PREFIX + sha256);
  }

  /**
   * The hash of a content URI written by {@link #uri()}.
   *
   * @throws IllegalArgumentException if {@code uri} is not {@code fancy:blob:sha256:<64 hex>}
   */
  static String sha256Of(String uri) {
    if (uri == null || !uri.startsWith(URI_PREFIX)) {
      throw new IllegalArgumentException("'" + uri + "' is not a blob URI; expected "
          + URI_PREFIX + "<64 hex digits>");
    }
    String hash = uri.substring(URI_PREFIX.length());
    requireSha256(hash);
    return hash;
  }

  /**
   * Checks that {@code sha256} is 64 lower-case hex digits.
   *
   * @throws IllegalArgumentException if it is not
   */
  static void requireSha256(String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("'" + sha256 + "' is not a SHA-256: expected 64 "
          + "lower-case hex digits");
    }
  }

  /** A new SHA-256 digest. */
  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** {@code in}, checked against {@code sha256} and {@code size} at its end. */
  private static InputStream checked(InputStream in, String sha256, long size, String where) {
    return new CheckedInputStream(in, sha256, size, (read, actual) -> {
      throw new IOException("the bytes of blob sha256:" + sha256 + " in " + where + " changed "
          + "since the blob was made (expected " + (actual == null ? "size " + size + " bytes, "
          + "more than " + size + " bytes" : "size " + size + " bytes, sha256 " + sha256
          + ", read " + read + " bytes, sha256 " + actual) + "); a blob's file must not change "
          + "while the blob is used");
    });
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a temporary file; the OS cleans its temporary directory
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Blob other && other.size == size && other.sha256.equals(sha256);
  }

  @Override
  public int hashCode() {
    return sha256.hashCode();
  }

  /** {@code Blob[sha256=<hex>, size=<n> bytes, <where>]}. */
  @Override
  public String toString() {
    return "Blob[sha256=" + sha256 + ", size=" + size + " bytes, " + describe + "]";
  }

  /** Counts the bytes written through it. */
  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    private final long[] count;

    CountingOutputStream(OutputStream out, long[] count) {
      super(out);
      this.count = count;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count[0]++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count[0] += len;
    }
  }

  /** Keeps a writer from closing the spool before it is hashed. */
  private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
    NonClosingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
