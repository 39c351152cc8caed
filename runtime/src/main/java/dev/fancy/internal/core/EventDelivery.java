package dev.fancy.internal.core;

import dev.fancy.run.RunEvent;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one event reaches a subscriber, the same for every subscription (in memory or following
 * a journal): a subscriber that throws is logged and unsubscribed, and the run's final event ends
 * the subscription.
 */
public final class EventDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(EventDelivery.class);

  private EventDelivery() {}

  /**
   * Hands {@code event} to {@code subscriber}; runs {@code close} after the final event or if the
   * subscriber threw.
   *
   * @return whether later events should follow
   */
  public static boolean deliver(UUID runId, Consumer<RunEvent> subscriber, RunEvent event,
      Runnable close) {
    try {
      subscriber.accept(event);
    } catch (RuntimeException | Error e) {
      LOG.warn("event subscriber {} of run {} failed on event {}; it is unsubscribed",
          subscriber, runId, event.sequence(), e);
      close.run();
      return false;
    }
    if (event.isFinal()) {
      close.run();
      return false;
    }
    return true;
  }
}
