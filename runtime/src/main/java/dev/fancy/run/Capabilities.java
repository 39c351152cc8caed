package dev.fancy.run;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an engine can do: every {@link Capability} is either supported or missing with a reason
 * a person can read ("the in-memory engine keeps no journal to resume from").
 */
public final class Capabilities {

  private final Map<Capability, String> missing;

  private Capabilities(Map<Capability, String> missing) {
    this.missing = missing;
  }

  /** Every capability. */
  public static Capabilities all() {
    return new Capabilities(new EnumMap<>(Capability.class));
  }

  /** These capabilities without {@code capability}, because of {@code reason}. */
  public Capabilities without(Capability capability, String reason) {
    Map<Capability, String> more = new EnumMap<>(Capability.class);
    more.putAll(missing);
    more.put(Objects.requireNonNull(capability, "capability == null"),
        Objects.requireNonNull(reason, "reason == null"));
    return new Capabilities(more);
  }

  /** Whether the engine supports {@code capability}. */
  public boolean supports(Capability capability) {
    return !missing.containsKey(capability);
  }

  /** Why the engine does not support {@code capability}, or empty if it does. */
  public Optional<String> reasonMissing(Capability capability) {
    return Optional.ofNullable(missing.get(capability));
  }

  @Override
  public String toString() {
    return "Capabilities[missing=" + missing.keySet() + "]";
  }
}
