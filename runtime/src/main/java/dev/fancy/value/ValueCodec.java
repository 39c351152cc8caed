package dev.fancy.value;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Converts step values to and from JSON with Jackson: constants in workflow JSON, values in the
 * file store and the journal, cache keys and cached outputs, and retry copies all go through one
 * codec per engine, so a value reads back the same everywhere.
 *
 * <p>{@link #defaults()} knows records, beans, {@code java.time} types, {@code Optional},
 * {@code java.nio.file.Path} and {@link Blob} (written as a reference; its bytes stay in this
 * process unless an engine gives the codec a {@link BlobStore}). For other types, annotate them for Jackson ({@code @JsonCreator},
 * {@code @JsonValue}, {@code @JsonSerialize}/{@code @JsonDeserialize}), which works everywhere, or
 * give an engine Jackson {@link Module}s ({@code Engine.builder().jacksonModule(module)}), which
 * apply to that engine's runs only: a codec never changes once made, and nothing is global.
 */
public final class ValueCodec {

  private static final ValueCodec DEFAULTS = new ValueCodec(List.of());

  private final ObjectMapper mapper;
  private final List<Module> modules;
  /**
   * Resolved type names, the same for every codec (modules change how values are written, not
   * which class a name means); bounded, as names may come from any number of workflows.
   */
  private static final Cache<String, JavaType> TYPES =
      Caffeine.newBuilder().maximumSize(10_000).build();
  private static final TypeFactory NAMES = new NonInitializingTypeFactory();

  private ValueCodec(List<Module> modules) {
    this.modules = List.copyOf(modules);
    JsonMapper.Builder builder = JsonMapper.builder(JsonFactory.builder()
            // Values come from steps, not strangers: whatever a step produced must read back, so
            // no limit on a string's or number's length (Jackson's default refuses strings over
            // 20 MB).
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE)
                .maxNumberLength(Integer.MAX_VALUE)
                .maxNameLength(Integer.MAX_VALUE)
                .build())
            .build())
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        // Blobs as references; an engine's own store (a later module) replaces this one.
        .addModule(BlobStore.jacksonModule(ProcessBlobs.INSTANCE))
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    this.modules.forEach(builder::addModule);
    this.mapper = builder.build();
  }

  /** The codec with Fancy's default Jackson configuration. */
  public static ValueCodec defaults() {
    return DEFAULTS;
  }

  /**
   * A new codec with this codec's configuration plus {@code extra} Jackson modules (registered
   * after this codec's, so they win where both handle a type); this codec itself when
   * {@code extra} is empty, so engines without modules share one mapper and its resolved types.
   * This codec does not change.
   *
   * @throws NullPointerException if a module is null
   */
  public ValueCodec withModules(List<? extends Module> extra) {
    if (extra.isEmpty()) {
      return this;
    }
    List<Module> all = new ArrayList<>(modules);
    for (Module module : extra) {
      all.add(Objects.requireNonNull(module, "module == null"));
    }
    return new ValueCodec(all);
  }

  /** The Jackson modules added to the defaults, in order. */
  public List<Module> modules() {
    return modules;
  }

  /**
   * A new Jackson mapper configured like this codec (its modules and features), for callers that
   * need one of their own, such as workflow JSON with indentation. Changing it changes nothing
   * here: no mapper is shared.
   */
  public ObjectMapper newMapper() {
    return mapper.copy();
  }

  /**
   * Parses JSON text into a tree, with this codec's limits and duplicate-key check.
   *
   * @throws ValueCodecException if the text is not JSON
   */
  public JsonNode parse(String json) {
    try {
      return mapper.readTree(json);
    } catch (java.io.IOException e) {
      throw new ValueCodecException("not valid JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Resolves a type's canonical name to a Jackson type. Classes are loaded without being
   * initialized: no static initializer runs because a name was resolved.
   *
   * @throws ValueCodecException if a class in the name is not on the class path or the name is
   *     malformed
   */
  public JavaType javaType(ValueType<?> type) {
    return resolve(type);
  }

  /** {@link #javaType}, which needs no codec: name resolution is the same for every one. */
  static JavaType resolve(ValueType<?> type) {
    return TYPES.get(type.name(), name -> {
      try {
        return NAMES.constructFromCanonical(name);
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
      throw raised(e, () -> new ValueCodecException(cannotSerialize(value), e));
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
      throw raised(e, () -> cannotRead(tree, type, e.getOriginalMessage(), e));
    } catch (IllegalArgumentException e) {
      throw raised(e, () -> cannotRead(tree, type, e.getMessage(), e));
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
      throw raised(e, () -> new ValueCodecException(cannotSerialize(value), e));
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
      throw raised(e, () -> new ValueCodecException("stored bytes cannot be read as "
          + type.name() + ": " + e.getMessage(), e));
    }
  }

  /**
   * The Fancy exception a serializer or deserializer raised inside Jackson (a blob store's
   * {@code JournalException}, a bad blob reference), which Jackson wraps: rethrown as it was, so
   * callers see the store's reason; otherwise {@code otherwise}.
   */
  private static RuntimeException raised(
      Exception e, java.util.function.Supplier<RuntimeException> otherwise) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof dev.fancy.FancyException fancy) {
        return fancy;
      }
    }
    return otherwise.get();
  }

  private static ValueCodecException cannotRead(
      JsonNode tree, ValueType<?> type, String reason, Exception cause) {
    return new ValueCodecException("JSON " + abbreviate(tree.toString()) + " cannot be read as "
        + type.name() + ": " + reason, cause);
  }

  private static String cannotSerialize(Object value) {
    String type = value.getClass().getName();
    return "a value of type " + type + " cannot be serialized to JSON. Make it a record or a "
        + "bean with getters, annotate it for Jackson (@JsonCreator and @JsonValue, or "
        + "@JsonSerialize and @JsonDeserialize), or give the engine a Jackson module that "
        + "handles it: Engine.builder().jacksonModule(module)";
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
