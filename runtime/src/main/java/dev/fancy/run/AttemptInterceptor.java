package dev.fancy.run;

import dev.fancy.frame.ExecutionFrame;

/**
 * A plugin around every step attempt (tracing, authorization, rate limits). {@code before} runs
 * ahead of the step's code and may veto the attempt by throwing {@link AttemptVetoedException};
 * {@code after} runs once the attempt's outcome is known. Any other exception from an interceptor
 * fails the attempt as an {@code InterceptorFailedException}, and the step's retry policy decides
 * whether another attempt runs.
 */
public interface AttemptInterceptor {

  /**
   * Runs before the attempt.
   *
   * @throws AttemptVetoedException to stop this attempt
   * @throws Exception if the interceptor fails
   */
  default void before(ExecutionFrame frame) throws Exception {}

  /**
   * Runs after the attempt.
   *
   * @param error the attempt's error, or null if it succeeded
   * @throws Exception if the interceptor fails; a successful attempt then fails
   */
  default void after(ExecutionFrame frame, Throwable error) throws Exception {}
}
