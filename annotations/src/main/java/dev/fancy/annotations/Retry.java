package dev.fancy.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The default retry policy of a {@code @Step} method: exponential backoff with jitter, as in
 * Temporal. The delay before attempt {@code n + 1} is
 * {@code min(maxBackoffMillis, initialBackoffMillis * multiplier^(n - 1))}, scaled by a random
 * factor in {@code [1 - jitter, 1 + jitter]}. A workflow step can override it. The processor
 * rejects invalid values at compile time.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Retry {

  /** Attempts in total, at least 1 (1 means no retries). */
  int maxAttempts();

  /** Delay before the second attempt, in milliseconds, {@code >= 0}. */
  long initialBackoffMillis() default 100;

  /** Growth of the delay per attempt, {@code >= 1}. */
  double multiplier() default 2.0;

  /** The longest delay, in milliseconds, {@code >= initialBackoffMillis}. */
  long maxBackoffMillis() default 60_000;

  /** Relative random spread of each delay, between 0 and 1. */
  double jitter() default 0.2;

  /** Errors that are retried (and their subclasses); empty means all but {@link #neverRetryOn}. */
  Class<? extends Throwable>[] retryOn() default {};

  /** Errors that are never retried (and their subclasses). */
  Class<? extends Throwable>[] neverRetryOn() default {};
}
