package dev.fancy.internal.core;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueType;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which values no code can change: what a retried step's attempts may share instead of getting
 * fresh copies. Decided once per static type, from the type alone where it can be (strings,
 * boxed primitives, enums, {@code java.time} values, {@code UUID}, {@code Path}, {@code URI},
 * {@code BigDecimal}, and records whose components are such types, recursively), and for
 * {@code List}, {@code Set}, {@code Collection} and {@code Map} types of such elements by a check
 * of the instance's class at run time: the JDK's unmodifiable collections ({@code List.of},
 * {@code List.copyOf}, {@code Stream.toList()}, {@code Collections.emptyList()} and their set and
 * map kin) pass, anything else (an {@code ArrayList}, an unmodifiable view of a list someone may
 * still change) does not. The idea of deciding deep immutability from declared types is the one
 * of Error Prone's {@code @Immutable} checker and of records' "shallowly immutable" rule.
 */
final class DeepImmutability {
  private DeepImmutability() {}

  /** How values of one static type are told immutable. */
  static final class Shape {
    final int kind;
    final Shape element;
    final Shape value;

    private Shape(int kind, Shape element, Shape value) {
      this.kind = kind;
      this.element = element;
      this.value = value;
    }
  }

  private static final int ALWAYS_KIND = 0;
  private static final int NEVER_KIND = 1;
  private static final int COLLECTION_KIND = 2;
  private static final int MAP_KIND = 3;

  /** Every value of the type is immutable. */
  static final Shape ALWAYS = new Shape(ALWAYS_KIND, null, null);
  /** No value of the type is known to be immutable: it gets copied. */
  static final Shape NEVER = new Shape(NEVER_KIND, null, null);

  private static final Set<Class<?>> LEAVES = Set.of(String.class, Boolean.class,
      Character.class, Byte.class, Short.class, Integer.class, Long.class, Float.class,
      Double.class, BigDecimal.class, BigInteger.class, UUID.class, URI.class);
  /** Most types decided, by canonical name; beyond it a type is decided every time. */
  private static final int MAX_TYPES = 4_096;
  private static final Map<String, Shape> BY_NAME = new ConcurrentHashMap<>();

  /** The unmodifiable collection and map classes of the JDK. */
  private static final ClassValue<Boolean> UNMODIFIABLE = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return type.getName().startsWith("java.util.ImmutableCollections$")
          || type == Collections.emptyList().getClass() || type == Collections.emptySet().getClass()
          || type == Collections.emptyMap().getClass()
          || type == Collections.singletonList(1).getClass()
          || type == Collections.singleton(1).getClass()
          || type == Collections.singletonMap(1, 1).getClass();
    }
  };

  /**
   * The shape of {@code type}; {@link #NEVER} if its classes cannot be resolved.
   */
  static Shape of(ValueType<?> type, ValueCodec codec) {
    Shape known = BY_NAME.get(type.name());
    if (known != null) {
      return known;
    }
    Shape shape;
    try {
      shape = shape(codec.javaType(type), new HashSet<>());
    } catch (RuntimeException | LinkageError e) {
      shape = NEVER;
    }
    if (BY_NAME.size() < MAX_TYPES) {
      BY_NAME.put(type.name(), shape);
    }
    return shape;
  }

  private static Shape shape(JavaType type, Set<Class<?>> open) {
    Class<?> raw = type.getRawClass();
    if (raw.isPrimitive() || LEAVES.contains(raw) || raw.isEnum()
        || Path.class.isAssignableFrom(raw) && raw.isInterface()
        || raw.getName().startsWith("java.time.") && Modifier.isFinal(raw.getModifiers())) {
      return ALWAYS;
    }
    if (raw == Optional.class) {
      return type.containedTypeCount() == 1
          && shape(type.containedType(0), open) == ALWAYS ? ALWAYS : NEVER;
    }
    if (raw.isRecord()) {
      if (!open.add(raw)) {
        return ALWAYS; // a record that holds itself: immutable if the rest of it is
      }
      try {
        for (RecordComponent component : raw.getRecordComponents()) {
          JavaType member = TypeFactory.defaultInstance()
              .resolveMemberType(component.getGenericType(), type.getBindings());
          if (shape(member, open) != ALWAYS) {
            return NEVER; // mutable, or a collection whose class only an instance tells
          }
        }
        return ALWAYS;
      } finally {
        open.remove(raw);
      }
    }
    if (raw == List.class || raw == Set.class || raw == Collection.class) {
      Shape element = type.getContentType() == null ? NEVER : shape(type.getContentType(), open);
      return element == NEVER ? NEVER : new Shape(COLLECTION_KIND, element, null);
    }
    if (raw == Map.class) {
      Shape key = type.getKeyType() == null ? NEVER : shape(type.getKeyType(), open);
      Shape value = type.getContentType() == null ? NEVER : shape(type.getContentType(), open);
      return key == NEVER || value == NEVER ? NEVER : new Shape(MAP_KIND, key, value);
    }
    return NEVER;
  }

  /**
   * Whether {@code value}, of a type of {@code shape}, can never change: constant time for
   * types immutable by themselves and for collections of them, one class check per element for
   * collections of collections.
   */
  static boolean holds(Shape shape, Object value) {
    if (value == null || shape == ALWAYS) {
      return true;
    }
    switch (shape.kind) {
      case COLLECTION_KIND: {
        if (!(value instanceof Collection<?>) || !UNMODIFIABLE.get(value.getClass())) {
          return false;
        }
        if (shape.element != ALWAYS) {
          for (Object element : (Collection<?>) value) {
            if (!holds(shape.element, element)) {
              return false;
            }
          }
        }
        return true;
      }
      case MAP_KIND: {
        if (!(value instanceof Map<?, ?>) || !UNMODIFIABLE.get(value.getClass())) {
          return false;
        }
        if (shape.element != ALWAYS || shape.value != ALWAYS) {
          for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
            if (!holds(shape.element, entry.getKey()) || !holds(shape.value, entry.getValue())) {
              return false;
            }
          }
        }
        return true;
      }
      default:
        return false;
    }
  }
}
