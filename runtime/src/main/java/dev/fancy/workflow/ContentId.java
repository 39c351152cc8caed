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

  /** One SHA-1 digest per thread, reset for each ID ({@code getInstance} looks up a provider). */
  private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  });

  /** The namespace, then the fields: hashed at once by {@link #id()}. */
  private byte[] bytes = new byte[128];
  private int size;

  private ContentId(String what) {
    put(NAMESPACE);
    add(what);
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
    putLength(16);
    put(id);
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

  private void field(byte[] field, int length) {
    putLength(length);
    ensure(field.length);
    System.arraycopy(field, 0, bytes, size, field.length);
    size += field.length;
  }

  private void putLength(int length) {
    ensure(4);
    bytes[size++] = (byte) (length >>> 24);
    bytes[size++] = (byte) (length >>> 16);
    bytes[size++] = (byte) (length >>> 8);
    bytes[size++] = (byte) length;
  }

  private void put(UUID id) {
    ensure(16);
    long msb = id.getMostSignificantBits();
    long lsb = id.getLeastSignificantBits();
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes[size++] = (byte) (msb >>> shift);
    }
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes[size++] = (byte) (lsb >>> shift);
    }
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }

  /** The version 5 UUID of the namespace and the fields added. */
  UUID id() {
    MessageDigest digest = SHA1.get();
    digest.reset();
    digest.update(bytes, 0, size);
    byte[] hash = digest.digest();
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
    ByteBuffer buffer = ByteBuffer.wrap(hash, 0, 16);
    return new UUID(buffer.getLong(), buffer.getLong());
  }
}
