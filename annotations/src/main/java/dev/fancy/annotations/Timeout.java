package dev.fancy.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;

/**
 * The default timeout of each attempt of a {@code @Step} method: an attempt running longer is
 * interrupted and recorded as timed out (and retried if the retry policy allows). With
 * {@link #heartbeat()}, an attempt must also call {@code frame.heartbeat()} at least that often
 * (Temporal's activity heartbeat timeout), or it is taken as hung and timed out the same way. A
 * workflow step can override both.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Timeout {

  /** The longest an attempt may run, in {@link #unit()}s; greater than zero. */
  long value();

  /** The unit of {@link #value()} and {@link #heartbeat()}; seconds by default. */
  TimeUnit unit() default TimeUnit.SECONDS;

  /**
   * The longest an attempt may go without {@code frame.heartbeat()}, in {@link #unit()}s,
   * counted from its start and from each heartbeat; 0 (the default) for no heartbeat timeout.
   */
  long heartbeat() default 0;
}
