package dev.fancy.value;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Converts step values to and from JSON with Jackson: constants in workflow JSON, values in the
 * file store, and (later) the journal and the REST API all go through one codec, so a value reads
 * back the same everywhere.
 *
 * <p>The shared mapper knows records, {@code java.time} types, {@code Optional} and
 * {@code java.nio.file.Path}. Thread-safe.
 */
public final class ValueCodec {

  private static final ValueCodec DEFAULTS = new ValueCodec(newMapper());

  private final ObjectMapper mapper;
  private final ConcurrentHashMap<String, JavaType> types = new ConcurrentHashMap<>();

  private ValueCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The codec with Fancy's default Jackson configuration. */
  public static ValueCodec defaults() {
    return DEFAULTS;
  }

  private static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();
  }

  /** The configured Jackson mapper; callers must not reconfigure it. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * Resolves a type's canonical name to a Jackson type.
   *
   * @throws ValueCodecException if a class in the name is not on the class path or the name is
   *     malformed
   */
  public JavaType javaType(ValueType<?> type) {
    return types.computeIfAbsent(type.name(), name -> {
      try {
        return mapper.getTypeFactory().constructFromCanonical(name);
      } catch (IllegalArgumentException e) {
        throw new ValueCodecException("type '" + name + "' cannot be resolved: " + e.getMessage()
            + ". Put the class on the class path, or fix the type name in the workflow JSON", e);
      }
    });
  }

  /**
   * Converts a value to a JSON tree.
   *
   * @throws ValueCodecException if Jackson cannot serialize the value's type
   */
  public JsonNode toTree(Object value) {
    try {
      return mapper.valueToTree(value);
    } catch (IllegalArgumentException e) {
      throw new ValueCodecException(cannotSerialize(value), e);
    }
  }

  /**
   * Converts a JSON tree to a value of {@code type}.
   *
   * @throws ValueCodecException if the tree does not fit the type
   */
  @SuppressWarnings("unchecked")
  public <T> T fromTree(JsonNode tree, ValueType<T> type) {
    try {
      return (T) mapper.treeToValue(tree, javaType(type));
    } catch (JsonProcessingException e) {
      throw cannotRead(tree, type, e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw cannotRead(tree, type, e.getMessage(), e);
    }
  }

  /**
   * Serializes a value to UTF-8 JSON bytes.
   *
   * @throws ValueCodecException if Jackson cannot serialize the value's type
   */
  public byte[] toBytes(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new ValueCodecException(cannotSerialize(value), e);
    }
  }

  /**
   * Reads a value of {@code type} from UTF-8 JSON bytes.
   *
   * @throws ValueCodecException if the bytes are not JSON of that type
   */
  @SuppressWarnings("unchecked")
  public <T> T fromBytes(byte[] bytes, ValueType<T> type) {
    try {
      return (T) mapper.readValue(bytes, javaType(type));
    } catch (IOException e) {
      throw new ValueCodecException("stored bytes cannot be read as " + type.name() + ": "
          + e.getMessage(), e);
    }
  }

  private static ValueCodecException cannotRead(
      JsonNode tree, ValueType<?> type, String reason, Exception cause) {
    return new ValueCodecException("JSON " + abbreviate(tree.toString()) + " cannot be read as "
        + type.name() + ": " + reason, cause);
  }

  private static String cannotSerialize(Object value) {
    return "a value of type " + value.getClass().getName() + " cannot be serialized to JSON. "
        + "Make it a record or a bean with getters, or annotate it for Jackson";
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
