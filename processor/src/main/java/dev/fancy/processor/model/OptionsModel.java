package dev.fancy.processor.model;

import java.util.List;

/**
 * The default policies of a step, read from {@code @Retry}, {@code @Timeout} and {@code @Cached}.
 *
 * @param retry the retry policy, or null without {@code @Retry}
 * @param timeoutNanos the timeout per attempt in nanoseconds, or null without {@code @Timeout}
 * @param heartbeatNanos the heartbeat timeout in nanoseconds, or null without
 *     {@code @Timeout(heartbeat = ...)}
 * @param cached whether the step has {@code @Cached}
 */
public record OptionsModel(RetryModel retry, Long timeoutNanos, Long heartbeatNanos,
    boolean cached) {

  /** No policies. */
  public static final OptionsModel NONE = new OptionsModel(null, null, null, false);

  /** Whether no policy is set. */
  public boolean isEmpty() {
    return equals(NONE);
  }

  /**
   * The values of a {@code @Retry}.
   *
   * @param maxAttempts attempts in total
   * @param initialBackoffMillis delay before the second attempt
   * @param multiplier growth per attempt
   * @param maxBackoffMillis the longest delay
   * @param jitter relative spread
   * @param retryOn binary names of retried errors
   * @param neverRetryOn binary names of errors never retried
   */
  public record RetryModel(int maxAttempts, long initialBackoffMillis, double multiplier,
      long maxBackoffMillis, double jitter, List<String> retryOn, List<String> neverRetryOn) {}
}
