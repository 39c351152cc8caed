package dev.fancy.value;

import dev.fancy.registry.StepRegistry;
import java.util.Map;
import java.util.Objects;

/**
 * The Java type of a cell or contract port, written as a canonical generic type name.
 *
 * <p>Shape of the name: a primitive keyword ({@code double}), or a binary class name
 * ({@code java.nio.file.Path}, nested classes with {@code $}: {@code com.acme.Etl$Row}) optionally
 * followed by type arguments in angle brackets, comma-separated without spaces
 * ({@code java.util.Map<java.lang.String,java.lang.Double>}). This is the form Jackson's
 * {@code TypeFactory.constructFromCanonical} reads, so a name from workflow JSON can be resolved
 * for value (de)serialization.
 *
 * <p>Two value types are equal when their names are equal. The raw class is known when the type
 * was created from code (generated factories pass class literals); a type read from JSON resolves
 * its raw class lazily through {@link ValueCodec}. Primitive types keep their keyword as name but
 * report the boxed class as {@link #rawType()}.
 *
 * @param <T> the Java type of values of this type (boxed for primitives)
 */
public final class ValueType<T> {

  private static final Map<Class<?>, Class<?>> BOXES = Map.of(
      boolean.class, Boolean.class, byte.class, Byte.class, short.class, Short.class,
      char.class, Character.class, int.class, Integer.class, long.class, Long.class,
      float.class, Float.class, double.class, Double.class);
  private static final Map<String, String> BOXED_NAMES = Map.of(
      "boolean", "java.lang.Boolean", "byte", "java.lang.Byte", "short", "java.lang.Short",
      "char", "java.lang.Character", "int", "java.lang.Integer", "long", "java.lang.Long",
      "float", "java.lang.Float", "double", "java.lang.Double");

  private final String name;
  private final boolean fromName;
  private volatile Class<?> rawType;

  private ValueType(String name, Class<?> rawType) {
    this.name = name;
    this.rawType = rawType;
    this.fromName = rawType == null;
  }

  /**
   * Returns the type of a non-generic class or a primitive.
   *
   * @param type the class; for a primitive ({@code double.class}) the name is the keyword and the
   *     raw type the box
   * @throws NullPointerException if {@code type} is null
   * @throws IllegalArgumentException if {@code type} is {@code void.class}, or generic (its type
   *     arguments cannot be known from a class: use {@link #of(TypeRef)})
   */
  @SuppressWarnings("unchecked")
  public static <T> ValueType<T> of(Class<T> type) {
    Objects.requireNonNull(type, "type == null");
    if (type == void.class) {
      throw new IllegalArgumentException("void is not a value type");
    }
    if (type.getTypeParameters().length > 0) {
      throw new IllegalArgumentException(type.getName() + " is generic, so a class cannot say "
          + "its type arguments: spell the type with a type token, e.g. new TypeRef<"
          + type.getSimpleName() + "<...>>() {}");
    }
    return new ValueType<>(type.getName(), type.isPrimitive() ? BOXES.get(type) : type);
  }

  /**
   * Returns the type a type token captured: {@code ValueType.of(new TypeRef<List<Row>>() {})}.
   *
   * @throws NullPointerException if {@code type} is null
   */
  public static <T> ValueType<T> of(TypeRef<T> type) {
    return Objects.requireNonNull(type, "type == null").valueType();
  }

  /**
   * Returns a possibly generic type whose raw class is known, as generated code creates it. User
   * code spells generic types with {@link TypeRef} instead, so no name is written by hand.
   *
   * @param rawType the erasure of the type (boxed for primitives)
   * @param name the canonical name, shaped as described on this class
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is blank, contains whitespace, or does not
   *     name {@code rawType}
   */
  public static <T> ValueType<T> of(Class<? super T> rawType, String name) {
    Objects.requireNonNull(rawType, "rawType == null");
    checkName(name);
    int lt = name.indexOf('<');
    String raw = lt < 0 ? name : name.substring(0, lt);
    Class<?> boxed = rawType.isPrimitive() ? BOXES.get(rawType) : rawType;
    if (!raw.equals(rawType.getName()) && !boxed.getName().equals(BOXED_NAMES.get(raw))) {
      throw new IllegalArgumentException("type name '" + name + "' does not name the class "
          + rawType.getName());
    }
    return new ValueType<>(name, boxed);
  }

  /** A type whose canonical name and raw class are both known (from a type token). */
  static <T> ValueType<T> resolved(String name, Class<?> rawType) {
    return new ValueType<>(checkName(name), rawType.isPrimitive() ? BOXES.get(rawType) : rawType);
  }

  /**
   * Returns the type with this canonical name; the raw class is resolved on first use through
   * {@link ValueCodec}. Used when reading workflow JSON.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank or contains whitespace
   */
  public static ValueType<?> named(String name) {
    return new ValueType<>(checkName(name), null);
  }

  private static String checkName(String name) {
    Objects.requireNonNull(name, "name == null");
    if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "type name '" + name + "' is not canonical: write it without spaces, e.g. "
              + "java.util.Map<java.lang.String,java.lang.Double>");
    }
    return name;
  }

  /** The canonical name, e.g. {@code java.util.List<com.acme.Etl$Row>} or {@code double}. */
  public String name() {
    return name;
  }

  /**
   * Whether this type was created from a name alone ({@link #named}, as workflow JSON does), not
   * from a class in code. The engine accepts such types for workflow inputs and constants only if
   * the registry allows them ({@code StepRegistry.isTypeAllowed}): a name in JSON chooses which
   * class Jackson instantiates.
   */
  public boolean fromName() {
    return fromName;
  }

  /**
   * The binary names of every class this type mentions: the raw class and the classes of its type
   * arguments, recursively, and array component classes; primitives are left out. For example
   * {@code java.util.Map<java.lang.String,java.util.List<com.acme.Row>>} mentions
   * {@code java.util.Map}, {@code java.lang.String}, {@code java.util.List} and
   * {@code com.acme.Row}.
   */
  public java.util.Set<String> classNames() {
    java.util.Set<String> classes = new java.util.TreeSet<>();
    for (String token : name.split("[<>,]")) {
      String plain = token.replace("?", "").replace("extends", "").replace("super", "");
      while (plain.startsWith("[")) {
        plain = plain.substring(1);
      }
      if (plain.startsWith("L") && plain.endsWith(";")) {
        plain = plain.substring(1, plain.length() - 1);
      } else if (plain.length() == 1) {
        continue; // a primitive array descriptor such as I
      }
      if (!plain.isBlank() && !BOXED_NAMES.containsKey(plain)) {
        classes.add(plain);
      }
    }
    return classes;
  }

  /**
   * The type of this collection type's elements, e.g. {@code java.lang.Integer} for
   * {@code java.util.List<java.lang.Integer>}.
   *
   * @throws IllegalArgumentException if this is not a collection type whose element type is
   *     known (a raw {@code List} has none)
   * @throws ValueCodecException if a class in the name is not on the class path
   */
  public ValueType<?> elementType() {
    com.fasterxml.jackson.databind.JavaType type = ValueCodec.resolve(this);
    com.fasterxml.jackson.databind.JavaType element = type.isCollectionLikeType()
        ? type.getContentType() : null;
    if (element == null || !name.contains("<")) {
      throw new IllegalArgumentException("type " + name + " is not a collection whose element "
          + "type is known; give the cell a type such as java.util.List<com.acme.Row>");
    }
    return new ValueType<>(element.toCanonical(), element.getRawClass());
  }

  /** Whether this is a primitive type (values can never be null). */
  public boolean isPrimitive() {
    return BOXED_NAMES.containsKey(name);
  }

  /**
   * The erasure of this type, boxed for primitives.
   *
   * @throws ValueCodecException if the type was read by name and no class of that name is on the
   *     class path
   */
  public Class<?> rawType() {
    Class<?> raw = rawType;
    if (raw == null) {
      raw = ValueCodec.resolve(this).getRawClass();
      if (raw.isPrimitive()) {
        raw = BOXES.get(raw);
      }
      rawType = raw;
    }
    return raw;
  }

  /**
   * Whether {@code value} may be held by a cell of this type: an instance of the raw type, or
   * null for a non-primitive type. Type arguments are not checked at run time (erasure).
   */
  public boolean isInstance(Object value) {
    return value == null ? !isPrimitive() : rawType().isInstance(value);
  }

  /**
   * Whether a cell of type {@code source} may be wired into a port of this type.
   *
   * <p>Rules, a practical subset of Java assignability: equal names after boxing primitives; or
   * this raw type is a supertype of the source's raw type and this type either has no type
   * arguments, has the same type arguments as the source, or uses wildcards.
   *
   * @throws ValueCodecException if a raw class has to be resolved and is not on the class path
   */
  public boolean accepts(ValueType<?> source) {
    String target = boxedName();
    String from = source.boxedName();
    if (target.equals(from)) {
      return true;
    }
    if (!rawType().isAssignableFrom(source.rawType())) {
      return false;
    }
    String targetArgs = typeArguments(target);
    return targetArgs.isEmpty()
        || targetArgs.equals(typeArguments(from))
        || targetArgs.contains("?");
  }

  /** The name with a primitive keyword replaced by its box: {@code int} is {@code java.lang.Integer}. */
  public String boxedName() {
    return BOXED_NAMES.getOrDefault(name, name);
  }

  private static String typeArguments(String name) {
    int lt = name.indexOf('<');
    return lt < 0 ? "" : name.substring(lt);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValueType<?> other && other.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
