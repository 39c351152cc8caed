package dev.fancy.run;

import java.util.Objects;

/**
 * An error as the history model records it: no {@code Class} objects, so it reads the same in
 * the process that threw it, in another process reading the journal, and over HTTP (Temporal's
 * {@code ApplicationFailure} type/message/non-retryable triple is the model).
 *
 * @param type the error's kind: the thrown exception's class name, or a Fancy reason such as
 *     {@code fancy.skipped} or {@code fancy.cancelled}; never null
 * @param message what went wrong, for people; never null (empty if the error had none)
 * @param retryable whether another attempt could succeed (false once retries are exhausted or
 *     the error type is excluded from retries)
 * @param stack the stack trace as text, or null where none was recorded
 */
public record ErrorInfo(String type, String message, boolean retryable, String stack) {

  /** Kind of a step that did not run because a step it needs failed or the run stopped. */
  public static final String SKIPPED = "fancy.skipped";
  /** Kind of a step or run stopped by a cancel request. */
  public static final String CANCELLED = "fancy.cancelled";
  /** Kind of a run stopped because its usage crossed its limits. */
  public static final String USAGE_LIMIT = "fancy.usage_limit";
  /** Kind of a run stopped because its deadline ({@link RunOptions#deadline()}) passed. */
  public static final String DEADLINE = "fancy.deadline";

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if {@code type} is null
   */
  public ErrorInfo {
    Objects.requireNonNull(type, "type == null");
    message = message == null ? "" : message;
  }

  /**
   * The error of {@code error}: its class name, its message and its stack trace.
   *
   * @param retryable whether another attempt could succeed
   */
  public static ErrorInfo of(Throwable error, boolean retryable) {
    java.io.StringWriter trace = new java.io.StringWriter();
    error.printStackTrace(new java.io.PrintWriter(trace));
    return new ErrorInfo(error.getClass().getName(), String.valueOf(error.getMessage()),
        retryable, trace.toString());
  }

  /** An error of Fancy's own kind {@code type}, without a stack trace. */
  public static ErrorInfo of(String type, String message) {
    return new ErrorInfo(type, message, false, null);
  }

  /** {@code type: message}, as logs and tables show it. */
  @Override
  public String toString() {
    return message.isEmpty() ? type : type + ": " + message;
  }
}
