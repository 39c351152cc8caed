package dev.fancy.workflow;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

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
    if (!(members instanceof Members)) {
      members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }
  }

  /**
   * The composite of {@code names[i] -> values[i]}, in that order, without building a hash map
   * (what the built-in group step uses for thousands of members).
   *
   * @param names distinct member names
   * @param values one value per name; copied
   * @throws IllegalArgumentException if the sizes differ or a name repeats
   */
  public static CompositeValue of(List<String> names, Object[] values) {
    if (names.size() != values.length) {
      throw new IllegalArgumentException(names.size() + " member names but " + values.length
          + " values");
    }
    Map<String, Integer> index = new HashMap<>(names.size() * 2);
    for (int i = 0; i < values.length; i++) {
      if (index.put(names.get(i), i) != null) {
        throw new IllegalArgumentException("member name '" + names.get(i) + "' repeats");
      }
    }
    return new CompositeValue(new Members(List.copyOf(names), values.clone(), index));
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

  /** An immutable map over parallel arrays and an index of the names. */
  private static final class Members extends AbstractMap<String, Object> {
    private final List<String> names;
    private final Object[] values;
    private final Map<String, Integer> index;

    Members(List<String> names, Object[] values, Map<String, Integer> index) {
      this.names = names;
      this.values = values;
      this.index = index;
    }

    private int indexOf(Object name) {
      Integer position = index.get(name);
      return position == null ? -1 : position;
    }

    @Override
    public Object get(Object name) {
      int i = indexOf(name);
      return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object name) {
      return indexOf(name) >= 0;
    }

    @Override
    public int size() {
      return values.length;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, Object>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < values.length;
            }

            @Override
            public Entry<String, Object> next() {
              if (next >= values.length) {
                throw new NoSuchElementException();
              }
              int i = next++;
              return new SimpleImmutableEntry<>(names.get(i), values[i]);
            }
          };
        }

        @Override
        public int size() {
          return values.length;
        }
      };
    }
  }
}
