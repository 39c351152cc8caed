package dev.fancy.cache;

import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueCodecException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The identity of a cached step result: slug, version and a SHA-256 hash of the input values'
 * JSON (each input's name and bytes, length-prefixed, in contract order). An input that is a
 * {@link Path} to a regular file is hashed with the file's content as well (as Bazel and Dagster
 * key files by content): a changed file makes a new key instead of serving a stale result.
 * Changing a step's version changes every key, so old entries are never used again.
 *
 * @param slug the step's slug
 * @param version the step's version
 * @param inputHash the hex SHA-256 of the inputs
 */
public record CacheKey(String slug, int version, String inputHash) {

  /** Validates the key. */
  public CacheKey {
    Objects.requireNonNull(slug, "slug == null");
    Objects.requireNonNull(inputHash, "inputHash == null");
  }

  /**
   * Computes the key of a step call.
   *
   * @param inputNames the inputs' names, in contract order
   * @param inputs the input values, in the same order
   * @throws CacheException if an input cannot be serialized; it is never left out of the key
   */
  public static CacheKey of(String slug, int version, List<String> inputNames, Object[] inputs,
      ValueCodec codec) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    for (int i = 0; i < inputs.length; i++) {
      byte[] bytes;
      try {
        bytes = codec.toBytes(inputs[i]);
      } catch (ValueCodecException e) {
        throw new CacheException("input '" + inputNames.get(i) + "' of step '" + slug
            + "' cannot be serialized for its cache key: " + e.getMessage()
            + "; or turn caching off for this step", e);
      }
      byte[] name = inputNames.get(i).getBytes(StandardCharsets.UTF_8);
      digest.update(ByteBuffer.allocate(4).putInt(name.length).array());
      digest.update(name);
      digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
      digest.update(bytes);
      if (inputs[i] instanceof Path file && Files.isRegularFile(file)) {
        digest.update(contentHash(slug, inputNames.get(i), file));
      }
    }
    return new CacheKey(slug, version, HexFormat.of().formatHex(digest.digest()));
  }

  /** The SHA-256 of a file's bytes, read in blocks. */
  private static byte[] contentHash(String slug, String input, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] block = new byte[64 * 1024];
      for (int read; (read = in.read(block)) > 0; ) {
        digest.update(block, 0, read);
      }
      return digest.digest();
    } catch (IOException e) {
      throw new CacheException("input '" + input + "' of step '" + slug + "' names the file "
          + file + ", which cannot be read for its cache key: " + e.getMessage()
          + "; or turn caching off for this step", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** {@code slug@version:hash}, the form stored by cache backends. */
  @Override
  public String toString() {
    return slug + "@" + version + ":" + inputHash;
  }
}
