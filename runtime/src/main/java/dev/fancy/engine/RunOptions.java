package dev.fancy.engine;

import dev.fancy.frame.UsageLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.function.Function;

/**
 * Per-run settings: usage limits, the run context and listeners for this run only.
 *
 * @param limits the run's usage limits
 * @param context creates the run context from the run's inputs (by alias), once per run; null
 *     for none
 * @param listeners listeners of this run, after the engine's own
 * @param contextRule how parallel branches copy and merge the context; null to share it
 * @param runId the run's ID; null for a new random one (a durable engine sets it to resume a run)
 * @param committed outputs already committed by earlier attempts, by workflow step ID (JSON, in
 *     output order); those steps are not run again
 */
public record RunOptions(UsageLimits limits, Function<Map<String, Object>, ?> context,
    List<RunListener> listeners, ContextRule<?> contextRule, UUID runId,
    Map<UUID, ArrayNode> committed) {

  /** No limits, no context, no extra listeners. */
  public static final RunOptions DEFAULT =
      new RunOptions(UsageLimits.NONE, null, List.of(), null, null, Map.of());

  /** Copies the list and map. */
  public RunOptions {
    Objects.requireNonNull(limits, "limits == null");
    listeners = List.copyOf(listeners);
    committed = committed == null ? Map.of() : Map.copyOf(committed);
  }

  /** These options resuming run {@code runId} with the results its steps already committed. */
  public RunOptions resuming(UUID runId, Map<UUID, ArrayNode> committed) {
    return new RunOptions(limits, context, listeners, contextRule,
        Objects.requireNonNull(runId, "runId == null"), committed);
  }

  /** A builder starting from {@link #DEFAULT}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link RunOptions}. */
  public static final class Builder {
    private UsageLimits limits = UsageLimits.NONE;
    private Function<Map<String, Object>, ?> context;
    private final List<RunListener> listeners = new ArrayList<>();
    private ContextRule<?> contextRule;

    private Builder() {}

    /** How parallel branches copy and merge the run context. */
    public Builder contextRule(ContextRule<?> rule) {
      this.contextRule = Objects.requireNonNull(rule, "rule == null");
      return this;
    }

    /** The run's usage limits. */
    public Builder limits(UsageLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits == null");
      return this;
    }

    /**
     * How the run context is created from the run's inputs; steps read it with
     * {@code frame.context(type)}.
     */
    public Builder context(Function<Map<String, Object>, ?> factory) {
      this.context = Objects.requireNonNull(factory, "factory == null");
      return this;
    }

    /** Adds a listener for this run. */
    public Builder listener(RunListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    /** The options. */
    public RunOptions build() {
      return new RunOptions(limits, context, listeners, contextRule, null, Map.of());
    }
  }
}
