package dev.fancy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.run.Inputs;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One binding of a workflow's inputs plus free metadata (a name and tags): what one run of a
 * sweep gets. Immutable; every {@code with...} method returns a new config.
 *
 * <p>Values are kept by input name as given: Java objects from code, JSON trees from files and
 * command-line overrides. {@link #resolve(Workflow, ValueCodec)} binds them to a workflow's input
 * cells, converting JSON with the engine's codec (so a file can bind a {@code List<Double>}, a
 * record, a {@code Path} or a {@code BigDecimal}) and failing with every problem at once: an
 * unknown input, a missing one, or a value of the wrong type, naming the input and both types.
 * Conversions are strict: a string never becomes a number, a fraction never an integer.
 *
 * <p>The metadata becomes the run's labels ({@link #labels()}), which a durable engine journals
 * with the run.
 *
 * <pre>{@code
 * Config config = Config.empty().with(file, Path.of("penguins.json")).with("lr", 0.1)
 *     .named("baseline").tagged("team", "ml");
 * }</pre>
 *
 * <p>The idea of a config as values plus metadata comes from the experiment runner Fancy was
 * built from; Hydra's overrides ({@link Overrides}) fill it from the command line.
 */
public final class Config {

  /** The label key a config's name is journaled under. */
  public static final String NAME_LABEL = "config";

  private static final Config EMPTY = new Config(Map.of(), Map.of(), null, Map.of());
  private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final int MAX_LABEL = 1024;

  private final Map<String, Object> values;
  private final Map<String, String> origins;
  private final String name;
  private final Map<String, String> tags;

  private Config(Map<String, Object> values, Map<String, String> origins, String name,
      Map<String, String> tags) {
    this.values = values;
    this.origins = origins;
    this.name = name;
    this.tags = tags;
  }

  /** The config without values or metadata. */
  public static Config empty() {
    return EMPTY;
  }

  /**
   * This config with {@code input} bound to {@code value}; javac checks the value's type.
   *
   * @throws NullPointerException if {@code input} is null
   */
  public <T> Config with(Cell<T> input, T value) {
    return with(Objects.requireNonNull(input, "input == null").alias(), value);
  }

  /**
   * This config with the input named {@code input} bound to {@code value}: a Java object, or a
   * {@link JsonNode} to be converted to the input's type when the config is resolved. The type is
   * checked by {@link #resolve}.
   *
   * @throws NullPointerException if {@code input} is null
   * @throws IllegalArgumentException if {@code input} is blank
   */
  public Config with(String input, Object value) {
    Objects.requireNonNull(input, "input == null");
    if (input.isBlank()) {
      throw new IllegalArgumentException("an input name must not be blank");
    }
    Map<String, Object> moreValues = new LinkedHashMap<>(values);
    Map<String, String> moreOrigins = new LinkedHashMap<>(origins);
    if (value instanceof Sourced sourced) {
      moreValues.put(input, sourced.value());
      moreOrigins.put(input, sourced.origin());
    } else {
      moreValues.put(input, value);
      moreOrigins.remove(input);
    }
    return new Config(Collections.unmodifiableMap(moreValues),
        Collections.unmodifiableMap(moreOrigins), name, tags);
  }

  /**
   * This config with {@code other}'s values added (replacing those of the same name), {@code
   * other}'s name if it has one, and both configs' tags ({@code other}'s win).
   */
  public Config withAll(Config other) {
    if (other.values.isEmpty() && other.name == null && other.tags.isEmpty()) {
      return this;
    }
    Map<String, Object> moreValues = new LinkedHashMap<>(values);
    moreValues.putAll(other.values);
    Map<String, String> moreOrigins = new LinkedHashMap<>(origins);
    other.values.keySet().forEach(moreOrigins::remove);
    moreOrigins.putAll(other.origins);
    Map<String, String> moreTags = new TreeMap<>(tags);
    moreTags.putAll(other.tags);
    return new Config(Collections.unmodifiableMap(moreValues),
        Collections.unmodifiableMap(moreOrigins), other.name != null ? other.name : name,
        Collections.unmodifiableMap(moreTags));
  }

  /**
   * This config named {@code name} (journaled as the run's {@value #NAME_LABEL} label).
   *
   * @throws IllegalArgumentException if {@code name} is blank or longer than 1,024 characters
   */
  public Config named(String name) {
    Objects.requireNonNull(name, "name == null");
    if (name.isBlank() || name.length() > MAX_LABEL) {
      throw new IllegalArgumentException("a config's name must be 1 to 1,024 characters, not '"
          + abbreviate(name) + "'");
    }
    return new Config(values, origins, name, tags);
  }

  /**
   * This config with the tag {@code key=value} (journaled as a run label).
   *
   * @throws IllegalArgumentException if the key is not 1 to 64 letters, digits, {@code . _ -},
   *     is {@value #NAME_LABEL}, or the value is longer than 1,024 characters
   */
  public Config tagged(String key, String value) {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(value, "value == null");
    if (!LABEL_KEY.matcher(key).matches() || key.equals(NAME_LABEL)) {
      throw new IllegalArgumentException("tag key '" + key + "' must be 1 to 64 letters, digits, "
          + "'.', '_' or '-', and not '" + NAME_LABEL + "'");
    }
    if (value.length() > MAX_LABEL) {
      throw new IllegalArgumentException("tag '" + key + "' has a value longer than 1,024 "
          + "characters");
    }
    Map<String, String> moreTags = new TreeMap<>(tags);
    moreTags.put(key, value);
    return new Config(values, origins, name, Collections.unmodifiableMap(moreTags));
  }

  /** The values by input name, in the order they were bound (values may be null). */
  public Map<String, Object> values() {
    return values;
  }

  /** Where each value was written ({@code file:line:column} or an override), where known. */
  public Optional<String> origin(String input) {
    return Optional.ofNullable(origins.get(input));
  }

  /** The config's name, if it has one. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** The config's tags, sorted by key. */
  public Map<String, String> tags() {
    return tags;
  }

  /**
   * The run labels of this config: its tags and, if it has a name, {@value #NAME_LABEL} = name.
   * Valid {@code RunOptions} labels by construction.
   */
  public Map<String, String> labels() {
    if (name == null) {
      return tags;
    }
    Map<String, String> labels = new TreeMap<>(tags);
    labels.put(NAME_LABEL, name);
    return Collections.unmodifiableMap(labels);
  }

  /**
   * The values as {@code key=value} pairs separated by spaces, JSON values written compactly:
   * {@code lr=0.1 epochs=10 model="tree"}.
   */
  public String describe() {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, Object> value : values.entrySet()) {
      if (text.length() > 0) {
        text.append(' ');
      }
      text.append(value.getKey()).append('=').append(show(value.getValue()));
    }
    return text.toString();
  }

  /**
   * The values as a JSON object of input name to value (Java objects converted with
   * {@code codec}): the shape of an engine's {@code inputsFromJson}.
   *
   * @throws dev.fancy.value.ValueCodecException if a Java value cannot be serialized
   */
  public ObjectNode toJson(ValueCodec codec) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, Object> value : values.entrySet()) {
      Object v = value.getValue();
      json.set(value.getKey(), v instanceof JsonNode node ? node : codec.toTree(v));
    }
    return json;
  }

  /**
   * Binds the values to {@code workflow}'s input cells, converting each to its cell's type.
   *
   * @return the typed values by input name, in the workflow's input order
   * @throws ConfigException listing every unknown input, missing input and value of the wrong
   *     type, each naming the input, the expected type and the value's type, after the value's
   *     origin where it is known
   */
  public Map<String, Object> resolve(Workflow workflow, ValueCodec codec) {
    Objects.requireNonNull(workflow, "workflow == null");
    Objects.requireNonNull(codec, "codec == null");
    List<String> problems = new ArrayList<>();
    Map<String, Cell<?>> byName = new LinkedHashMap<>();
    for (Cell<?> input : workflow.inputs()) {
      byName.put(input.alias(), input);
    }
    for (String key : values.keySet()) {
      if (!byName.containsKey(key)) {
        problems.add(at(key) + "unknown input '" + key + "': workflow '" + workflow.name()
            + "' has inputs " + byName.keySet());
      }
    }
    Map<String, Object> resolved = new LinkedHashMap<>();
    for (Cell<?> input : byName.values()) {
      if (!values.containsKey(input.alias())) {
        problems.add("missing input '" + input.alias() + "' (" + input.type().name()
            + ") of workflow '" + workflow.name() + "'");
        continue;
      }
      try {
        resolved.put(input.alias(), convert(input.alias(), values.get(input.alias()),
            input.type(), codec));
      } catch (RuntimeException e) {
        problems.add(at(input.alias()) + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return Collections.unmodifiableMap(resolved);
  }

  /**
   * The run inputs of this config for {@code workflow}: {@link #resolve} bound to the input
   * cells.
   *
   * @throws ConfigException as for {@link #resolve}
   */
  @SuppressWarnings("unchecked")
  public Inputs toInputs(Workflow workflow, ValueCodec codec) {
    Map<String, Object> resolved = resolve(workflow, codec);
    Inputs inputs = Inputs.none();
    for (Cell<?> input : workflow.inputs()) {
      inputs = inputs.and((Cell<Object>) input, resolved.get(input.alias()));
    }
    return inputs;
  }

  private String at(String key) {
    String origin = origins.get(key);
    return origin == null ? "" : origin + ": ";
  }

  /** Converts one value strictly; the exception's message names input and both types. */
  static Object convert(String input, Object value, ValueType<?> type, ValueCodec codec) {
    if (value instanceof JsonNode node) {
      String mismatch = mismatch(node, type);
      if (mismatch != null) {
        throw new IllegalArgumentException("input '" + input + "' must be " + mismatch
            + " (" + type.name() + "), but got " + describe(node));
      }
      try {
        return codec.fromTree(node, type);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("input '" + input + "' must be a " + type.name()
            + ", but got " + describe(node) + ", which does not convert: " + e.getMessage(), e);
      }
    }
    if (value == null) {
      if (type.isPrimitive()) {
        throw new IllegalArgumentException("input '" + input + "' is a " + type.name()
            + " and cannot be null");
      }
      return null;
    }
    Class<?> raw = type.rawType();
    if (raw.isInstance(value)) {
      return value;
    }
    if (value instanceof Number number && isNumeric(raw) && fits(number, raw)) {
      return codec.fromTree(codec.toTree(value), type);
    }
    if (raw == Path.class && value instanceof String text) {
      return Path.of(text);
    }
    throw new IllegalArgumentException("input '" + input + "' is a " + type.name()
        + ", but the value " + abbreviate(String.valueOf(value)) + " is a "
        + value.getClass().getName());
  }

  /** What a JSON node must be for {@code type}, or null if it is that (or Jackson decides). */
  private static String mismatch(JsonNode node, ValueType<?> type) {
    if (node.isNull()) {
      return type.isPrimitive() ? "a value, not null," : null;
    }
    Class<?> raw;
    try {
      raw = type.rawType();
    } catch (RuntimeException e) {
      return null;
    }
    if (isIntegral(raw)) {
      return node.isIntegralNumber() ? null : "a whole number";
    }
    if (isNumeric(raw)) {
      return node.isNumber() ? null : "a number";
    }
    if (raw == Boolean.class) {
      return node.isBoolean() ? null : "true or false";
    }
    if (raw == String.class || raw == Path.class || raw == Character.class || raw.isEnum()
        || raw == java.net.URI.class) {
      return node.isTextual() ? null : "a string";
    }
    if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
      return node.isArray() ? null : "a list";
    }
    if (Map.class.isAssignableFrom(raw) || raw.isRecord()) {
      return node.isObject() ? null : "an object";
    }
    return null;
  }

  private static boolean isIntegral(Class<?> raw) {
    return raw == Integer.class || raw == Long.class || raw == Short.class || raw == Byte.class
        || raw == BigInteger.class;
  }

  private static boolean isNumeric(Class<?> raw) {
    return isIntegral(raw) || raw == Double.class || raw == Float.class
        || raw == BigDecimal.class;
  }

  /** Whether {@code number} converts to {@code raw} without losing anything. */
  private static boolean fits(Number number, Class<?> raw) {
    boolean whole = number instanceof Integer || number instanceof Long
        || number instanceof Short || number instanceof Byte || number instanceof BigInteger;
    if (isIntegral(raw)) {
      if (!whole) {
        return false;
      }
      long v = number.longValue();
      return raw == Long.class || raw == BigInteger.class
          || raw == Integer.class && v == (int) v
          || raw == Short.class && v == (short) v
          || raw == Byte.class && v == (byte) v;
    }
    return true;
  }

  private static String describe(JsonNode node) {
    String kind = node.isIntegralNumber() ? "whole number"
        : node.isNumber() ? "number"
        : node.getNodeType().toString().toLowerCase(Locale.ROOT);
    return "a " + kind + " " + abbreviate(node.toString());
  }

  private static String show(Object value) {
    if (value instanceof JsonNode node) {
      return abbreviate(node.toString());
    }
    if (value instanceof String text) {
      return '"' + abbreviate(text) + '"';
    }
    return abbreviate(String.valueOf(value));
  }

  static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Config other && other.values.equals(values)
        && Objects.equals(other.name, name) && other.tags.equals(tags);
  }

  @Override
  public int hashCode() {
    return Objects.hash(values, name, tags);
  }

  @Override
  public String toString() {
    return "Config[" + (name == null ? "" : name + ": ") + describe()
        + (tags.isEmpty() ? "" : " tags=" + tags) + "]";
  }
}
