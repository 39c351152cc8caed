package dev.fancy.run;

/** A subscription to a run's events ({@link RunHandle#subscribe}); closing it stops delivery. */
public interface EventSubscription extends AutoCloseable {

  /** Whether events are still delivered (false once closed or after the final event). */
  boolean isActive();

  /** Stops delivery; events in flight may still arrive once. Idempotent. */
  @Override
  void close();
}
