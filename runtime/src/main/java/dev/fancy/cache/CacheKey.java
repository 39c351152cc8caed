package dev.fancy.cache;

import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueCodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The identity of a cached step result: slug, version and a SHA-256 hash of the input values'
 * JSON (each input's name and bytes, length-prefixed, in contract order). Changing a step's
 * version changes every key, so old entries are never used again.
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
    }
    return new CacheKey(slug, version, HexFormat.of().formatHex(digest.digest()));
  }

  /** {@code slug@version:hash}, the form stored by cache backends. */
  @Override
  public String toString() {
    return slug + "@" + version + ":" + inputHash;
  }
}
