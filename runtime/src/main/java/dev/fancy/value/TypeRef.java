package dev.fancy.value;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.fancy.workflow.Cell;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;

/**
 * A type token for a generic type, written as an anonymous subclass so that javac records the
 * type argument: {@code new TypeRef<List<Strike>>() {}}. This is how user code spells a generic
 * type for a cell (Neal Gafter's super type tokens, as Jackson's {@code TypeReference} and Guava's
 * {@code TypeToken} use them); the canonical name is derived from the type, never written by hand.
 *
 * <pre>{@code
 * Cell<List<Strike>> strikes = Cell.input("strikes", new TypeRef<List<Strike>>() {});
 * }</pre>
 *
 * @param <T> the type; it must be concrete (no type variables)
 */
public abstract class TypeRef<T> {

  private final ValueType<T> type;

  /**
   * Captures the type argument of the anonymous subclass.
   *
   * @throws IllegalStateException if this is not a direct anonymous subclass with a type argument
   * @throws IllegalArgumentException if the type mentions a type variable, which a cell cannot
   *     have
   */
  protected TypeRef() {
    Type superclass = getClass().getGenericSuperclass();
    if (!(superclass instanceof ParameterizedType parameterized)
        || parameterized.getRawType() != TypeRef.class) {
      throw new IllegalStateException("create a TypeRef as an anonymous subclass with a type "
          + "argument, e.g. new TypeRef<List<Row>>() {}");
    }
    Type argument = parameterized.getActualTypeArguments()[0];
    TypeVariable<?> variable = variableIn(argument);
    if (variable != null) {
      throw new IllegalArgumentException("the TypeRef " + argument.getTypeName() + " uses the "
          + "type variable " + variable.getName() + "; cells need concrete types, such as "
          + "List<String>");
    }
    JavaType resolved = TypeFactory.defaultInstance().constructType(argument);
    this.type = ValueType.resolved(resolved.toCanonical(), resolved.getRawClass());
  }

  private static TypeVariable<?> variableIn(Type type) {
    if (type instanceof TypeVariable<?> variable) {
      return variable;
    }
    if (type instanceof ParameterizedType parameterized) {
      for (Type argument : parameterized.getActualTypeArguments()) {
        TypeVariable<?> found = variableIn(argument);
        if (found != null) {
          return found;
        }
      }
    } else if (type instanceof GenericArrayType array) {
      return variableIn(array.getGenericComponentType());
    } else if (type instanceof WildcardType wildcard) {
      for (Type bound : wildcard.getUpperBounds()) {
        TypeVariable<?> found = variableIn(bound);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** The value type, e.g. {@code java.util.List<com.acme.Strike>}. */
  public final ValueType<T> valueType() {
    return type;
  }

  @Override
  public String toString() {
    return "TypeRef<" + type.name() + ">";
  }
}
