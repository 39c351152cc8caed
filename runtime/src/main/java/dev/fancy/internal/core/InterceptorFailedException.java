package dev.fancy.internal.core;

import dev.fancy.FancyException;
import dev.fancy.run.AttemptInterceptor;

/** An {@link AttemptInterceptor} threw; the cause is what it threw. */
final class InterceptorFailedException extends FancyException {
  private static final long serialVersionUID = 1L;

  InterceptorFailedException(String interceptor, String phase, Throwable cause) {
    super("interceptor " + interceptor + " failed " + phase + " the attempt: " + cause, cause);
  }
}
