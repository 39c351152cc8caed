package dev.fancy.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;

/**
 * The default timeout of each attempt of a {@code @Step} method: an attempt running longer is
 * interrupted and recorded as timed out (and retried if the retry policy allows). A workflow step
 * can override it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Timeout {

  /** The longest an attempt may run, in {@link #unit()}s; greater than zero. */
  long value();

  /** The unit of {@link #value()}; seconds by default. */
  TimeUnit unit() default TimeUnit.SECONDS;
}
