package dev.fancy.value;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Converts step values to and from JSON with Jackson: constants in workflow JSON, values in the
 * file store, cache keys and cached outputs, retry copies, and (later) the journal and the REST
 * API all go through one codec, so a value reads back the same everywhere.
 *
 * <p>The mapper knows records, beans, {@code java.time} types, {@code Optional} and
 * {@code java.nio.file.Path}. Types Jackson cannot handle get a serializer pair with
 * {@link #register}; registration is thread-safe and applies everywhere from then on (also inside
 * lists, maps and records).
 */
public final class ValueCodec {

  private static final ValueCodec DEFAULTS = new ValueCodec(newMapper());

  private volatile ObjectMapper mapper;
  private final Map<Class<?>, Registration<?>> registrations = new LinkedHashMap<>();
  /** Resolved type names; bounded, as names may come from any number of workflows. */
  private final Cache<String, JavaType> types = Caffeine.newBuilder().maximumSize(10_000).build();
  private final TypeFactory names = new NonInitializingTypeFactory();

  private record Registration<T>(Class<T> type, Function<? super T, JsonNode> toJson,
      Function<JsonNode, ? extends T> fromJson) {}

  private ValueCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The codec with Fancy's default Jackson configuration. */
  public static ValueCodec defaults() {
    return DEFAULTS;
  }

  private static ObjectMapper newMapper() {
    // Values come from steps, not strangers: whatever a step produced must read back, so no
    // limit on a string's or number's length (Jackson's default refuses strings over 20 MB).
    return JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE)
                .maxNumberLength(Integer.MAX_VALUE)
                .maxNameLength(Integer.MAX_VALUE)
                .build())
            .build())
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();
  }

  /**
   * Registers how values of {@code type} (exactly this class) become JSON and back, replacing an
   * earlier registration of the type. Use it for types Jackson cannot handle on its own.
   *
   * @param toJson converts a non-null value to a JSON tree
   * @param fromJson converts a JSON tree back to a value
   * @throws NullPointerException if an argument is null
   */
  public synchronized <T> void register(Class<T> type, Function<? super T, JsonNode> toJson,
      Function<JsonNode, ? extends T> fromJson) {
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(toJson, "toJson == null");
    Objects.requireNonNull(fromJson, "fromJson == null");
    registrations.put(type, new Registration<>(type, toJson, fromJson));
    SimpleModule module = new SimpleModule("fancy-registered-values");
    for (Registration<?> registration : registrations.values()) {
      add(module, registration);
    }
    ObjectMapper next = newMapper();
    next.registerModule(module);
    mapper = next;
  }

  private static <T> void add(SimpleModule module, Registration<T> registration) {
    module.addSerializer(registration.type(), new StdSerializer<T>(registration.type()) {
      @Override
      public void serialize(T value, JsonGenerator generator, SerializerProvider provider)
          throws IOException {
        generator.writeTree(registration.toJson().apply(value));
      }
    });
    module.addDeserializer(registration.type(), new StdDeserializer<T>(registration.type()) {
      @Override
      public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonNode tree = parser.readValueAsTree();
        return registration.fromJson().apply(tree);
      }
    });
  }

  /** Whether a serializer pair was registered for exactly {@code type}. */
  public synchronized boolean isRegistered(Class<?> type) {
    return registrations.containsKey(type);
  }

  /** The configured Jackson mapper; callers must not reconfigure it. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * Resolves a type's canonical name to a Jackson type. Classes are loaded without being
   * initialized: no static initializer runs because a name was resolved.
   *
   * @throws ValueCodecException if a class in the name is not on the class path or the name is
   *     malformed
   */
  public JavaType javaType(ValueType<?> type) {
    return types.get(type.name(), name -> {
      try {
        return names.constructFromCanonical(name);
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
    String type = value.getClass().getName();
    return "a value of type " + type + " cannot be serialized to JSON. Register a serializer "
        + "pair with ValueCodec.defaults().register(" + value.getClass().getSimpleName()
        + ".class, toJson, fromJson), or make it a record or a bean with getters";
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
