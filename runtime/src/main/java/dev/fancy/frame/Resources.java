package dev.fancy.frame;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Shared objects that steps use but that are not data of the workflow (connection pools, HTTP
 * clients, model clients), keyed by type; Dagster calls these resources. Immutable.
 */
public final class Resources {

  /** No resources. */
  public static final Resources NONE = new Resources(Map.of());

  private final Map<Class<?>, Object> byType;

  private Resources(Map<Class<?>, Object> byType) {
    this.byType = Map.copyOf(byType);
  }

  /** These resources plus {@code resource} as the resource of {@code type}. */
  public <R> Resources with(Class<R> type, R resource) {
    Map<Class<?>, Object> more = new LinkedHashMap<>(byType);
    more.put(Objects.requireNonNull(type, "type == null"),
        Objects.requireNonNull(resource, "resource == null"));
    return new Resources(more);
  }

  /** A builder of resources. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The resource of {@code type}.
   *
   * @throws IllegalStateException if none was provided; the message names the type
   */
  public <R> R get(Class<R> type) {
    Object resource = byType.get(type);
    if (resource == null) {
      throw new IllegalStateException("no resource of type " + type.getName() + " was provided; "
          + "add it with Engine.builder().resources(Resources.builder().put(...))");
    }
    return type.cast(resource);
  }

  /** Builds {@link Resources}. */
  public static final class Builder {
    private final Map<Class<?>, Object> byType = new LinkedHashMap<>();

    private Builder() {}

    /** Provides {@code resource} as the resource of {@code type}, replacing an earlier one. */
    public <R> Builder put(Class<R> type, R resource) {
      byType.put(Objects.requireNonNull(type, "type == null"),
          Objects.requireNonNull(resource, "resource == null"));
      return this;
    }

    /** The resources. */
    public Resources build() {
      return new Resources(byType);
    }
  }
}
