package dev.fancy.internal.core;

/**
 * The time of an attempt's latest {@code frame.heartbeat()}, on the engine's ticker; the
 * attempt's watch ({@link TimedAttempts}) reads it to tell a slow attempt from a hung one.
 */
final class Heartbeat implements Runnable {

  private final Ticker ticker;
  private volatile long last;

  Heartbeat(Ticker ticker) {
    this.ticker = ticker;
    this.last = ticker.nanoTime();
  }

  /** A heartbeat now. */
  @Override
  public void run() {
    last = ticker.nanoTime();
  }

  /** Nanoseconds since the latest heartbeat (or since the watch started). */
  long idleNanos() {
    return ticker.nanoTime() - last;
  }
}
