package dev.fancy.temporal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.value.ValueCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Values over the claim-check threshold inside Fancy's messages: a value's JSON is stored in the
 * {@link ClaimCheckStore} and replaced by a reference {@code {"$fancy.claim": "<key>"}}, so the
 * interpreter (whose code must yield within a second) and Temporal's history carry only keys.
 * Activities and the engine resolve references when they convert values to Java objects; the
 * interpreter resolves only what it must look into (map items, conditions, routes, loop
 * predicates).
 */
final class ClaimedValues {

  /** The field of a reference. */
  static final String CLAIM = "$fancy.claim";

  private final ClaimCheckStore store;
  private final ObjectMapper mapper;

  ClaimedValues(ClaimCheckStore store, ValueCodec codec) {
    this.store = store;
    this.mapper = codec.newMapper();
  }

  /** {@code value}, or a reference to it if its JSON is larger than the store's threshold. */
  JsonNode claim(JsonNode value) {
    if (store == null || value == null || !value.isContainerNode() && !value.isTextual()) {
      return value;
    }
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (bytes.length <= store.threshold()) {
      return value;
    }
    ObjectNode reference = JsonNodeFactory.instance.objectNode();
    reference.put(CLAIM, store.put(bytes));
    return reference;
  }

  /** {@code value} with every reference in it replaced by the value it refers to. */
  JsonNode resolve(JsonNode value) {
    if (value == null || !value.isContainerNode()) {
      return value;
    }
    if (isReference(value)) {
      if (store == null) {
        throw new IllegalStateException("a claim-checked value arrived, but no ClaimCheckStore "
            + "is configured; give the engine and every worker the same store");
      }
      try {
        return resolve(mapper.readTree(store.get(value.get(CLAIM).asText())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (value.isArray()) {
      ArrayNode array = null;
      for (int i = 0; i < value.size(); i++) {
        JsonNode element = value.get(i);
        JsonNode resolved = resolve(element);
        if (resolved != element) {
          array = array == null ? ((ArrayNode) value).deepCopy() : array;
          array.set(i, resolved);
        }
      }
      return array == null ? value : array;
    }
    ObjectNode object = null;
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      JsonNode resolved = resolve(field.getValue());
      if (resolved != field.getValue()) {
        object = object == null ? ((ObjectNode) value).deepCopy() : object;
        object.set(field.getKey(), resolved);
      }
    }
    return object == null ? value : object;
  }

  static boolean isReference(JsonNode value) {
    return value != null && value.isObject() && value.size() == 1 && value.has(CLAIM)
        && value.get(CLAIM).isTextual();
  }
}
