package dev.fancy.run;

import dev.fancy.frame.UsageLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Per-run settings: usage limits, the run context, listeners, labels, the run's ID, its
 * deadline and the grace a stopped run gives steps that ignore the interrupt.
 *
 * <p>On a durable engine the limits and the ID are journaled with the run, so a resumed run keeps
 * them; the context factory, the context rule and the listeners are code, which a journal cannot
 * hold: a resumed run gets those of the durable engine that resumes it.
 *
 * @param limits the run's usage limits
 * @param context creates the run context from the run's inputs, once per run; null for none
 * @param listeners listeners of this run, after the engine's own
 * @param contextRule how the children of parallel, map and route groups copy and merge the
 *     context ({@link ContextRule}); null to share it
 * @param runId the run's ID; null for a new one ({@link #newRunId()}). On a durable engine,
 *     submitting again with the ID of an existing run of the same workflow and inputs returns
 *     that run instead of starting another (idempotent submission)
 * @param labels free key/value metadata (a sweep's config name, a team, a ticket); journaled with
 *     the run and filtered on by {@link RunQuery}. Keys are 1 to 64 characters of letters,
 *     digits, {@code . _ -}; values at most 1,024 characters
 * @param deadline how long the run may take, counted from when this execution starts (like
 *     Temporal's workflow execution timeout or Airflow's {@code dagrun_timeout}); past it the run
 *     is stopped and ends {@link RunStatus#CANCELLED} with an {@link ErrorInfo#DEADLINE} error.
 *     Null for none. Not journaled: a resumed durable run has no deadline
 * @param cancelGrace how long a stopped run (cancelled, past its deadline, over its usage
 *     limits) waits for running steps to honour the interrupt; after it the steps still running
 *     are abandoned — recorded {@link StepStatus#CANCELLED} with an
 *     {@link AttemptStatus#ABANDONED} attempt, their threads counted as lingering until their
 *     code returns, its result dropped — and the run ends. Zero abandons them at once
 */
public record RunOptions(UsageLimits limits, Function<Inputs, ?> context,
    List<RunListener> listeners, ContextRule<?> contextRule, UUID runId,
    Map<String, String> labels, Duration deadline, Duration cancelGrace) {

  /** The grace a stopped run gives running steps unless told otherwise: 10 seconds. */
  public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(10);

  private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** No limits, no context, no extra listeners, a new ID. */
  public static final RunOptions DEFAULT =
      new RunOptions(UsageLimits.NONE, null, List.of(), null, null, Map.of(), null,
          DEFAULT_CANCEL_GRACE);

  /**
   * Validates and copies the list.
   *
   * @throws NullPointerException if {@code limits}, {@code listeners}, {@code labels} or
   *     {@code cancelGrace} is null
   * @throws IllegalArgumentException if a label's key or value is malformed, the deadline is not
   *     positive or the grace is negative
   */
  public RunOptions {
    Objects.requireNonNull(limits,
          "limits == null; use UsageLimits.NONE for a run without limits");
    requireDeadline(deadline);
    requireGrace(cancelGrace);
    listeners = List.copyOf(listeners);
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!LABEL_KEY.matcher(label.getKey()).matches()) {
        throw new IllegalArgumentException("label key '" + label.getKey() + "' must be 1 to 64 "
            + "letters, digits, '.', '_' or '-'");
      }
      if (label.getValue() == null || label.getValue().length() > 1024) {
        throw new IllegalArgumentException("label '" + label.getKey() + "' needs a value of at "
            + "most 1,024 characters");
      }
    }
  }

  private static Duration requireDeadline(Duration deadline) {
    if (deadline != null && (deadline.isZero() || deadline.isNegative())) {
      throw new IllegalArgumentException("a run's deadline must be positive, not " + deadline);
    }
    return deadline;
  }

  private static Duration requireGrace(Duration grace) {
    Objects.requireNonNull(grace,
        "cancelGrace == null; use Duration.ZERO to abandon deaf steps at once");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("a run's cancel grace must be zero or positive, not "
          + grace);
    }
    return grace;
  }

  /** These options with {@code limits}. */
  public RunOptions withLimits(UsageLimits limits) {
    return new RunOptions(limits, context, listeners, contextRule, runId, labels, deadline,
        cancelGrace);
  }

  /** These options with run ID {@code runId}. */
  public RunOptions withRunId(UUID runId) {
    return new RunOptions(limits, context, listeners, contextRule,
        Objects.requireNonNull(runId, "runId == null"), labels, deadline, cancelGrace);
  }

  /**
   * A new run ID, of the kind an engine gives a run started without one: a time-ordered
   * version 7 UUID (RFC 9562: 48 bits of Unix time in milliseconds, then 74 random bits), so the
   * durable journal's indexes, keyed by run ID, grow at one edge. For callers that need a run's
   * ID before they start it, such as a service that records an idempotency key first.
   */
  public static UUID newRunId() {
    return dev.fancy.workflow.spi.Ids.newId();
  }

  /** A builder starting from {@link #DEFAULT}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link RunOptions}. */
  public static final class Builder {
    private UsageLimits limits = UsageLimits.NONE;
    private Function<Inputs, ?> context;
    private final Map<String, String> labels = new TreeMap<>();
    private final List<RunListener> listeners = new ArrayList<>();
    private ContextRule<?> contextRule;
    private UUID runId;
    private Duration deadline;
    private Duration cancelGrace = DEFAULT_CANCEL_GRACE;

    private Builder() {}

    /**
     * How long the run may take (see {@link RunOptions#deadline()}).
     *
     * @throws IllegalArgumentException if {@code deadline} is not positive
     */
    public Builder deadline(Duration deadline) {
      this.deadline = requireDeadline(Objects.requireNonNull(deadline,
          "deadline == null; leave it unset for a run without a deadline"));
      return this;
    }

    /**
     * How long a stopped run waits for steps that ignore the interrupt (see
     * {@link RunOptions#cancelGrace()}); {@link #DEFAULT_CANCEL_GRACE} unless set.
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public Builder cancelGrace(Duration grace) {
      this.cancelGrace = requireGrace(grace);
      return this;
    }

    /** How the children of parallel, map and route groups copy and merge the run context. */
    public Builder contextRule(ContextRule<?> rule) {
      this.contextRule = Objects.requireNonNull(rule,
          "rule == null; leave it unset for groups that share the live context");
      return this;
    }

    /** The run's usage limits. */
    public Builder limits(UsageLimits limits) {
      this.limits = Objects.requireNonNull(limits,
          "limits == null; use UsageLimits.NONE for a run without limits");
      return this;
    }

    /**
     * How the run context is created from the run's inputs; steps read it with
     * {@code frame.context(type)}.
     */
    public Builder context(Function<Inputs, ?> factory) {
      this.context = Objects.requireNonNull(factory,
          "factory == null; leave it unset for a run without a context");
      return this;
    }

    /** Adds a listener for this run. */
    public Builder listener(RunListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    /** The run's ID (see {@link RunOptions#runId()}). */
    public Builder runId(UUID runId) {
      this.runId = Objects.requireNonNull(runId,
          "runId == null; leave it unset for a new one");
      return this;
    }

    /** Adds the label {@code key=value} (see {@link RunOptions#labels()}). */
    public Builder label(String key, String value) {
      labels.put(Objects.requireNonNull(key, "key == null"), Objects.requireNonNull(value,
          () -> "the value of label '" + key + "' is null; give it a value or leave it out"));
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException if a label is malformed
     */
    public RunOptions build() {
      return new RunOptions(limits, context, listeners, contextRule, runId, labels, deadline,
          cancelGrace);
    }
  }
}
