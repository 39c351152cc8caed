package dev.fancy.workflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How often and when a failed step attempt is tried again: exponential backoff with jitter, as in
 * Temporal's retry policy. The delay before attempt {@code n + 1} is
 * {@code min(maxBackoff, initialBackoff * multiplier^(n - 1))}, scaled by a random factor in
 * {@code [1 - jitter, 1 + jitter]}.
 *
 * <p>An error is retried unless its class or a superclass is named in {@code neverRetryOn}; if
 * {@code retryOn} is not empty, the error's class or a superclass must also be named there. Class
 * names are binary names ({@code java.io.IOException}), so policies survive JSON.
 *
 * <p>Records are not checked when created; {@link #problems()} lists what is wrong, and a workflow
 * step rejects an invalid policy naming the step.
 *
 * @param maxAttempts attempts in total, {@code >= 1} (1: no retries)
 * @param initialBackoff delay before the second attempt, {@code >= 0}
 * @param multiplier growth of the delay per attempt, {@code >= 1}
 * @param maxBackoff the longest delay, {@code >= initialBackoff}
 * @param jitter relative random spread of each delay, in {@code [0, 1]}
 * @param retryOn error classes that are retried (empty: all but {@code neverRetryOn})
 * @param neverRetryOn error classes that are never retried
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier,
    Duration maxBackoff, double jitter, List<String> retryOn, List<String> neverRetryOn) {

  /** One attempt, no retries. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of());

  /** Copies the lists. */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff == null");
    Objects.requireNonNull(maxBackoff, "maxBackoff == null");
    retryOn = List.copyOf(retryOn);
    neverRetryOn = List.copyOf(neverRetryOn);
  }

  /**
   * Up to {@code maxAttempts} attempts, delays doubling from {@code initialBackoff} up to one
   * minute, with 20% jitter.
   */
  public static RetryPolicy exponential(int maxAttempts, Duration initialBackoff) {
    Duration max = initialBackoff.compareTo(Duration.ofMinutes(1)) > 0
        ? initialBackoff : Duration.ofMinutes(1);
    return new RetryPolicy(maxAttempts, initialBackoff, 2, max, 0.2, List.of(), List.of());
  }

  /** This policy retrying only errors of these classes (and their subclasses). */
  @SafeVarargs
  public final RetryPolicy retryOn(Class<? extends Throwable>... errors) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter,
        names(errors), neverRetryOn);
  }

  /** This policy never retrying errors of these classes (and their subclasses). */
  @SafeVarargs
  public final RetryPolicy neverRetryOn(Class<? extends Throwable>... errors) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, retryOn,
        names(errors));
  }

  private static List<String> names(Class<?>[] classes) {
    return Arrays.stream(classes).map(Class::getName).toList();
  }

  /** What is wrong with this policy, one sentence each; empty if valid. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (maxAttempts < 1) {
      problems.add("retry maxAttempts is " + maxAttempts + "; it must be at least 1");
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
      problems.add("retry backoff cannot be negative");
    } else if (maxBackoff.compareTo(initialBackoff) < 0) {
      problems.add("retry maxBackoff " + maxBackoff + " is shorter than initialBackoff "
          + initialBackoff);
    }
    if (!(multiplier >= 1)) {
      problems.add("retry multiplier is " + multiplier + "; it must be at least 1");
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      problems.add("retry jitter is " + jitter + "; it must be between 0 and 1");
    }
    return problems;
  }

  /** Whether {@code error} may be retried under this policy (attempts left aside). */
  public boolean retries(Throwable error) {
    if (matches(error, neverRetryOn)) {
      return false;
    }
    return retryOn.isEmpty() || matches(error, retryOn);
  }

  private static boolean matches(Throwable error, List<String> names) {
    for (Class<?> type = error.getClass(); type != null; type = type.getSuperclass()) {
      if (names.contains(type.getName())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The delay before attempt {@code failedAttempt + 1}.
   *
   * @param random a uniform random number in {@code [0, 1)}
   */
  public Duration backoff(int failedAttempt, double random) {
    double nanos = initialBackoff.toNanos() * Math.pow(multiplier, failedAttempt - 1);
    nanos = Math.min(nanos, maxBackoff.toNanos());
    nanos *= 1 - jitter + 2 * jitter * random;
    return Duration.ofNanos((long) nanos);
  }
}
