package dev.fancy.internal.journal;

import dev.fancy.run.RunEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One subscriber's place in a run's events. It takes events in any order and more than once
 * (pushed as the transactions holding them commit, where the outcomes of two transactions can
 * run at once on two threads, and read back from the journal) and releases them in sequence
 * order, each once, without gaps.
 *
 * <p>A gap holds later events back: an event whose transaction has not committed yet while a
 * later event's has (two threads appended them in the other order). It is waited for until it
 * fills or has stayed open for the grace period; then the cursor moves past it, for an event
 * that was never committed (its process died between the two commits) never will be.
 *
 * <p>Thread-safe.
 */
final class EventCursor {

  private static final long NO_GAP = Long.MIN_VALUE;

  private final NavigableMap<Long, RunEvent> waiting = new TreeMap<>();
  private final long graceNanos;
  private final LongSupplier nanoClock;
  private long next;
  /** When the current gap was first seen ({@link #nanoClock}), or {@link #NO_GAP}. */
  private long gapSince = NO_GAP;

  /**
   * @param from the first sequence to release, at least 1
   * @param grace how long a gap is waited for
   * @param nanoClock monotonic time in nanoseconds ({@code System::nanoTime})
   */
  EventCursor(long from, Duration grace, LongSupplier nanoClock) {
    this.next = Math.max(1, from);
    this.graceNanos = grace.toNanos();
    this.nanoClock = nanoClock;
  }

  /** Takes {@code event} unless it was released already. */
  synchronized void offer(RunEvent event) {
    if (event.sequence() >= next) {
      waiting.putIfAbsent(event.sequence(), event);
    }
  }

  /** Takes each of {@code events} unless it was released already. */
  synchronized void offerAll(List<RunEvent> events) {
    for (RunEvent event : events) {
      offer(event);
    }
  }

  /** The sequence of the next event to release. */
  synchronized long next() {
    return next;
  }

  /** Whether events wait behind a gap. */
  synchronized boolean hasGap() {
    return !waiting.isEmpty() && waiting.firstKey() > next;
  }

  /**
   * Releases the events that come next in order, oldest first; moves past a gap that has been
   * open for the grace period.
   */
  synchronized List<RunEvent> take() {
    List<RunEvent> released = new ArrayList<>();
    Map.Entry<Long, RunEvent> first;
    while ((first = waiting.firstEntry()) != null) {
      if (first.getKey() != next) {
        long now = nanoClock.getAsLong();
        if (gapSince == NO_GAP) {
          gapSince = now;
        }
        if (now - gapSince < graceNanos) {
          return released;
        }
        next = first.getKey(); // the missing events are not coming
      }
      waiting.pollFirstEntry();
      released.add(first.getValue());
      next = first.getKey() + 1;
      gapSince = NO_GAP;
    }
    gapSince = NO_GAP;
    return released;
  }
}
