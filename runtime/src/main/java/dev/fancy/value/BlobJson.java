package dev.fancy.value;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.Set;

/**
 * A {@link Blob}'s JSON form, {@code {"uri": "fancy:blob:sha256:<hex>", "sha256": "<hex>",
 * "size": <bytes>}}, with the bytes kept in a {@link BlobStore}. Reading checks the shape and
 * says what is wrong; the URI, if present, must name the same hash.
 */
final class BlobJson extends SimpleModule {
  private static final long serialVersionUID = 1L;
  private static final Set<String> FIELDS = Set.of("uri", "sha256", "size");

  BlobJson(BlobStore store) {
    super("fancy-blobs");
    addSerializer(Blob.class, new StdSerializer<>(Blob.class) {
      @Override
      public void serialize(Blob blob, JsonGenerator gen, SerializerProvider provider)
          throws IOException {
        Blob stored = store.put(blob);
        blob.adopt(stored);
        gen.writeStartObject();
        gen.writeStringField("uri", stored.uri().toString());
        gen.writeStringField("sha256", stored.sha256());
        gen.writeNumberField("size", stored.size());
        gen.writeEndObject();
      }
    });
    addDeserializer(Blob.class, new StdDeserializer<>(Blob.class) {
      @Override
      public Blob deserialize(JsonParser parser, DeserializationContext context)
          throws IOException {
        JsonNode node = parser.readValueAsTree();
        return store.get(sha256(node), size(node));
      }
    });
  }

  @Override
  public Object getTypeId() {
    // one module per store: a codec given another store's module replaces nothing else
    return super.getTypeId() + "@" + System.identityHashCode(this);
  }

  private static String sha256(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw bad(node, "a blob is written as an object {\"uri\", \"sha256\", \"size\"}");
    }
    node.fieldNames().forEachRemaining(name -> {
      if (!FIELDS.contains(name)) {
        throw bad(node, "unknown field '" + name + "'; a blob reference has only uri, sha256 "
            + "and size");
      }
    });
    JsonNode hash = node.get("sha256");
    if (hash == null || !hash.isTextual()) {
      throw bad(node, "field 'sha256' (64 lower-case hex digits) is missing");
    }
    try {
      Blob.requireSha256(hash.asText());
      JsonNode uri = node.get("uri");
      if (uri != null && !Blob.sha256Of(uri.asText()).equals(hash.asText())) {
        throw bad(node, "its uri names another hash than its sha256");
      }
    } catch (IllegalArgumentException e) {
      throw bad(node, e.getMessage());
    }
    return hash.asText();
  }

  private static long size(JsonNode node) {
    JsonNode size = node.get("size");
    if (size == null || !size.canConvertToExactIntegral() || size.asLong() < 0) {
      throw bad(node, "field 'size' (the number of bytes, >= 0) is missing or not a whole "
          + "number");
    }
    return size.asLong();
  }

  private static ValueCodecException bad(JsonNode node, String why) {
    String text = String.valueOf(node);
    return new ValueCodecException("JSON " + (text.length() > 200 ? text.substring(0, 197)
        + "..." : text) + " is not a blob reference: " + why, null);
  }
}
