package dev.fancy.workflow;

import dev.fancy.value.ValueType;
import java.util.Objects;

/**
 * One named, typed input or output of a step's {@link Contract}.
 *
 * @param name the input's parameter name or the output's name ({@code out}, or a record component)
 * @param type the Java type of the values
 * @param kind where values of an output are stored; inputs are always {@link StorageKind#VALUE}
 *     in a contract, since any kind of cell can feed them
 */
public record Port(String name, ValueType<?> type, StorageKind kind) {

  /**
   * Validates the port.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is not a Java identifier
   */
  public Port {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(kind, "kind == null");
    if (!isIdentifier(name)) {
      throw new IllegalArgumentException("port name '" + name + "' is not a Java identifier");
    }
  }

  /** A port stored as {@link StorageKind#VALUE}. */
  public static Port of(String name, ValueType<?> type) {
    return new Port(name, type, StorageKind.VALUE);
  }

  /** Whether {@code name} is a Java identifier (what ports and composite members are named). */
  public static boolean isIdentifier(String name) {
    if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
      return false;
    }
    return name.chars().skip(1).allMatch(Character::isJavaIdentifierPart);
  }
}
