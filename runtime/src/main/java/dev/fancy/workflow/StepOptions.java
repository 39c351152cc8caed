package dev.fancy.workflow;

import dev.fancy.workflow.spi.StepIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Policies of one step: retries, a timeout per attempt, a heartbeat timeout, caching, output
 * validators and a fallback.
 * A step definition carries defaults (from {@code @Retry}, {@code @Timeout}, {@code @Cached});
 * a workflow step may override them with {@link WorkflowStep#options(StepOptions)}. A null field
 * means "not set here": the default applies. Validations add up: the definition's run first.
 *
 * @param retry the retry policy, or null
 * @param timeout the longest an attempt may run, {@code > 0}, or null for no timeout
 * @param heartbeatTimeout the longest an attempt may go without calling
 *     {@code frame.heartbeat()}, counted from its start and from each heartbeat (Temporal's
 *     activity heartbeat timeout), {@code > 0}, or null for none; an attempt over it is treated as
 *     hung: interrupted, recorded {@code TIMED_OUT} and retried per the retry policy
 * @param cache whether results are cached by input content, or null
 * @param validators the output validations run after every attempt (see
 *     {@link WorkflowStep#validate})
 * @param fallback the step that runs when every attempt failed, or null
 */
public record StepOptions(RetryPolicy retry, Duration timeout, Duration heartbeatTimeout,
    Boolean cache, List<Validation> validators, StepRef fallback) {

  /**
   * An output validation: the validator, by {@link OutputValidator#name()}, and the name of the
   * output it checks.
   *
   * @param validator the validator's name
   * @param output the output's name
   */
  public record Validation(String validator, String output) {
    /** Validates the names. */
    public Validation {
      Objects.requireNonNull(validator, "validator == null");
      Objects.requireNonNull(output, "output == null");
    }
  }

  /** Nothing set. */
  public static final StepOptions DEFAULT =
      new StepOptions(null, null, null, null, List.of(), null);

  /** Copies the list. */
  public StepOptions {
    validators = List.copyOf(validators);
  }

  /** These options with a retry policy. */
  public StepOptions withRetry(RetryPolicy retry) {
    return new StepOptions(Objects.requireNonNull(retry, "retry == null"), timeout,
        heartbeatTimeout, cache, validators, fallback);
  }

  /** These options with a timeout per attempt. */
  public StepOptions withTimeout(Duration timeout) {
    return new StepOptions(retry, Objects.requireNonNull(timeout, "timeout == null"),
        heartbeatTimeout, cache, validators, fallback);
  }

  /** These options with a heartbeat timeout (see {@link #heartbeatTimeout()}). */
  public StepOptions withHeartbeatTimeout(Duration heartbeatTimeout) {
    return new StepOptions(retry, timeout,
        Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout == null"), cache, validators,
        fallback);
  }

  /** These options with caching on or off. */
  public StepOptions withCache(boolean cache) {
    return new StepOptions(retry, timeout, heartbeatTimeout, cache, validators, fallback);
  }

  /** These options with one more output validation. */
  StepOptions withValidation(Validation validation) {
    List<Validation> more = new ArrayList<>(validators);
    more.add(Objects.requireNonNull(validation, "validation == null"));
    return new StepOptions(retry, timeout, heartbeatTimeout, cache, more, fallback);
  }

  /** These options with a fallback step. */
  public StepOptions withFallback(String slug, int version) {
    return new StepOptions(retry, timeout, heartbeatTimeout, cache, validators,
        new StepRef(slug, version));
  }

  /** {@code overrides} laid over these options: its set fields win, validators add up. */
  public StepOptions overriddenBy(StepOptions overrides) {
    if (overrides.equals(DEFAULT)) {
      return this;
    }
    List<Validation> allValidators = new ArrayList<>(validators);
    allValidators.addAll(overrides.validators);
    return new StepOptions(
        overrides.retry != null ? overrides.retry : retry,
        overrides.timeout != null ? overrides.timeout : timeout,
        overrides.heartbeatTimeout != null ? overrides.heartbeatTimeout : heartbeatTimeout,
        overrides.cache != null ? overrides.cache : cache,
        allValidators,
        overrides.fallback != null ? overrides.fallback : fallback);
  }

  /** What is wrong with these options, one sentence each; empty if valid. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (retry != null) {
      problems.addAll(retry.problems());
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      problems.add("timeout is " + timeout + "; it must be longer than zero");
    }
    if (heartbeatTimeout != null && (heartbeatTimeout.isNegative() || heartbeatTimeout.isZero())) {
      problems.add("heartbeat timeout is " + heartbeatTimeout + "; it must be longer than zero");
    }
    for (Validation validation : validators) {
      if (validation == null || validation.validator().isBlank()) {
        problems.add("a validator name is blank");
      }
    }
    return problems;
  }

  /** The effective number of attempts. */
  public int maxAttempts() {
    return retry == null ? 1 : retry.maxAttempts();
  }

  /** Whether caching is on. */
  public boolean cached() {
    return Boolean.TRUE.equals(cache);
  }

  /**
   * A reference to a step by slug and version.
   *
   * @param slug the step's slug
   * @param version the step's version
   */
  public record StepRef(String slug, int version) {
    /**
     * Validates the reference.
     *
     * @throws IllegalArgumentException if the slug or version is malformed
     */
    public StepRef {
      StepIdentity.checkSlug(slug);
      StepIdentity.checkVersion(slug, version);
    }
  }
}
