package dev.fancy.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * A name-based UUID of a cell or workflow step, derived from what the wiring fixes when the cell
 * or step is made (docs/semantics.md, "Cell and step IDs"): the same wiring code gives the same
 * IDs in every process, so a cell built again reads a run another build started.
 *
 * <p>The ID is a version 5 UUID (RFC 9562 section 5.5: SHA-1 over a namespace and a name; the
 * RFC prefers it to version 3's MD5) in Fancy's own {@link #NAMESPACE}. The name is a sequence of
 * fields, each written as a 4-byte length and its bytes (strings as UTF-8, UUIDs as 16 bytes,
 * numbers as text), after a field naming what is identified ({@code input}, {@code step}, ...),
 * so no two different sequences give the same bytes. Usage:
 * {@code ContentId.of("input").add(alias).add(type.name()).id()}. Not thread-safe; one per ID.
 */
final class ContentId {

  /** Fancy's namespace of name-based IDs; changing it would change every ID. */
  static final UUID NAMESPACE = UUID.fromString("4bc80e58-ba7a-4d17-9eca-c2a293fb48bc");

  /** Writes JSON with object properties sorted by name, so key order never changes an ID. */
  private static final ObjectMapper SORTED = JsonMapper.builder()
      .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

  /**
   * A SHA-1 digest that has read the namespace; never updated afterwards, so threads may clone it
   * at the same time (cloning skips the provider lookup of {@code getInstance}).
   */
  private static final MessageDigest PROTOTYPE = prototype();

  private final MessageDigest digest;
  private final byte[] length = new byte[4];

  private ContentId(String what) {
    MessageDigest copy;
    try {
      copy = (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      copy = prototype(); // a provider whose digests cannot be cloned
    }
    digest = copy;
    add(what);
  }

  private static MessageDigest prototype() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      digest.update(bytes(NAMESPACE));
      return digest;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }

  private static byte[] bytes(UUID id) {
    return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits()).array();
  }

  /** The ID of a {@code what} ({@code input}, {@code constant}, {@code step}, ...). */
  static ContentId of(String what) {
    return new ContentId(what);
  }

  /** Adds a string field (null is a field of its own, unlike any string). */
  ContentId add(String text) {
    if (text == null) {
      field(new byte[] {0}, -1);
    } else {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      field(bytes, bytes.length);
    }
    return this;
  }

  /** Adds an ID field. */
  ContentId add(UUID id) {
    field(bytes(id), 16);
    return this;
  }

  /** Adds a number field. */
  ContentId add(long number) {
    return add(Long.toString(number));
  }

  /** Adds a JSON value, as text with object properties sorted by name. */
  ContentId add(JsonNode json) {
    if (json == null) {
      return add((String) null);
    }
    try {
      return add(SORTED.writeValueAsString(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree cannot be written: " + e.getMessage(), e);
    }
  }

  private void field(byte[] bytes, int length) {
    this.length[0] = (byte) (length >>> 24);
    this.length[1] = (byte) (length >>> 16);
    this.length[2] = (byte) (length >>> 8);
    this.length[3] = (byte) length;
    digest.update(this.length);
    digest.update(bytes);
  }

  /** The version 5 UUID of the fields added. */
  UUID id() {
    byte[] hash = digest.digest();
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
    ByteBuffer buffer = ByteBuffer.wrap(hash, 0, 16);
    return new UUID(buffer.getLong(), buffer.getLong());
  }
}
