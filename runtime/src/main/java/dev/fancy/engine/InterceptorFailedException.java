package dev.fancy.engine;

/** An {@link AttemptInterceptor} threw; the cause is what it threw. */
public final class InterceptorFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  InterceptorFailedException(String interceptor, String phase, Throwable cause) {
    super("interceptor " + interceptor + " failed " + phase + " the attempt: " + cause, cause);
  }
}
