package dev.fancy.workflow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The value of a {@link StorageKind#COMPOSITE} cell: member values by member name, in member-name
 * order. Immutable; member values may be null.
 *
 * @param members member name to value
 */
public record CompositeValue(Map<String, Object> members) {

  /** Copies the members, keeping their order. */
  public CompositeValue {
    Objects.requireNonNull(members, "members == null");
    members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
  }

  /**
   * The value of member {@code name}.
   *
   * @throws NoSuchElementException if there is no such member; the message lists the members
   */
  public Object get(String name) {
    if (!members.containsKey(name)) {
      throw new NoSuchElementException(
          "composite has no member '" + name + "'; members are " + members.keySet());
    }
    return members.get(name);
  }
}
