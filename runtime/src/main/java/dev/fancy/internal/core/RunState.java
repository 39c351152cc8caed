package dev.fancy.internal.core;

import dev.fancy.run.AttemptRecord;
import dev.fancy.run.ChildRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A run's per-step state while it executes, behind methods: each step's status, its start and
 * end on the monotonic clock, its error or why it was skipped, its attempts, cache hit, fallback
 * use, child runs and the thread running it. Nothing else writes these arrays; a
 * {@link RunSnapshot} copies them.
 *
 * <p>Statuses change by compare-and-set, so a step starts, is skipped, is abandoned or settles
 * once. The other fields of a step are written by the one thread that holds it ({@link #tryStart}
 * to {@link #trySettle}) and read after its status changed, which is the happens-before edge. A
 * step's own thread and the run's grace timer race for a running step: the thread
 * {@link #tryClaim claims} it before each write of the step's end, the timer
 * {@link #tryAbandon abandons} it; whoever comes first wins.
 */
final class RunState {

  static final int PENDING = 0;
  static final int RUNNING = 1;
  static final int SUCCEEDED = 2;
  static final int FAILED = 3;
  static final int SKIPPED = 4;
  static final int CANCELLED = 5;
  /**
   * Running, and its thread is ending it now (writing its attempt's end to the journal, or
   * settling it): the grace timer leaves it alone. Reads as {@link #RUNNING}.
   */
  static final int CLAIMED = 6;
  /**
   * Stopped with the run while its code still ran past the cancel grace; the code's eventual
   * result is dropped. Reads as cancelled.
   */
  static final int ABANDONED = 7;

  private final AtomicIntegerArray status;
  private final long[] startNanos;
  private final long[] endNanos;
  private final Throwable[] errors;
  /** For a skipped step, the index of the failed step that caused it, or -1 if the run stopped. */
  private final int[] skippedBecause;
  /** Per step, its attempts if it went through the attempt machinery; null otherwise. */
  private final List<AttemptRecord>[] attempts;
  private final boolean[] cacheHit;
  private final boolean[] fallbackUsed;
  private final AtomicReferenceArray<Thread> running;
  /** Per abandoned step, whether its code held a thread then (it lingers until it returns). */
  private final boolean[] lingered;
  /** Per control-flow step, its child runs; null for other steps. */
  private final List<ChildRun>[] children;

  @SuppressWarnings({"unchecked", "rawtypes"})
  RunState(int steps) {
    this.status = new AtomicIntegerArray(steps);
    this.startNanos = new long[steps];
    this.endNanos = new long[steps];
    this.errors = new Throwable[steps];
    this.skippedBecause = new int[steps];
    this.attempts = new List[steps];
    this.cacheHit = new boolean[steps];
    this.fallbackUsed = new boolean[steps];
    this.running = new AtomicReferenceArray<>(steps);
    this.lingered = new boolean[steps];
    this.children = new List[steps];
  }

  /** The number of steps. */
  int size() {
    return startNanos.length;
  }

  /** Step {@code s}'s status: one of the constants of this class. */
  int status(int s) {
    return status.get(s);
  }

  /** Marks a step whose outputs an earlier execution committed as succeeded at {@code nanos}. */
  void restored(int s, long nanos) {
    startNanos[s] = nanos;
    endNanos[s] = nanos;
    status.set(s, SUCCEEDED);
  }

  /**
   * Starts step {@code s} at {@code nanos} if it is pending.
   *
   * @return whether this call started it
   */
  boolean tryStart(int s, long nanos) {
    if (!status.compareAndSet(s, PENDING, RUNNING)) {
      return false;
    }
    startNanos[s] = nanos;
    return true;
  }

  /** The running step {@code s} executes on {@code thread} now (null: on none). */
  void runsOn(int s, Thread thread) {
    running.set(s, thread);
  }

  /** The thread step {@code s} executes on, or null. */
  Thread thread(int s) {
    return running.get(s);
  }

  /** Step {@code s}'s code is no longer on a thread; it ended at {@code nanos}. */
  void left(int s, long nanos) {
    if (status.get(s) != ABANDONED) {
      endNanos[s] = nanos;
    }
    running.set(s, null);
  }

  /**
   * Claims running step {@code s} for its own thread, so the grace timer cannot abandon it while
   * the thread writes its end; {@link #release} or {@link #trySettle} ends the claim.
   *
   * @return false if the step was abandoned: its thread must drop what it has
   */
  boolean tryClaim(int s) {
    return status.compareAndSet(s, RUNNING, CLAIMED);
  }

  /**
   * Makes sure the caller holds running step {@code s}: it claimed it already (only a step's own
   * thread claims it), or claims it now.
   *
   * @return false if the step was abandoned
   */
  boolean hold(int s) {
    return status.get(s) == CLAIMED || tryClaim(s);
  }

  /**
   * Ends the caller's claim, if it holds one, without settling (the step goes on: a retry's
   * backoff, a fallback).
   */
  void release(int s) {
    status.compareAndSet(s, CLAIMED, RUNNING);
  }

  /**
   * Settles step {@code s} as {@link #SUCCEEDED}, {@link #FAILED} or {@link #CANCELLED}, unless
   * it was abandoned; the caller may hold a claim on it.
   *
   * @param error its error, or null
   * @return whether this call settled it (false: it was abandoned)
   */
  boolean trySettle(int s, int outcome, Throwable error) {
    if (!hold(s)) {
      return false;
    }
    if (error != null) {
      errors[s] = error;
    }
    status.set(s, outcome);
    return true;
  }

  /**
   * Abandons running step {@code s} at {@code nanos} unless its thread claimed it: the step is
   * cancelled with {@code why}, and its code's eventual result will be dropped.
   *
   * @return whether this call abandoned it
   */
  boolean tryAbandon(int s, long nanos, Throwable why) {
    if (!status.compareAndSet(s, RUNNING, CLAIMED)) {
      return false;
    }
    endNanos[s] = nanos;
    errors[s] = why;
    lingered[s] = running.get(s) != null;
    status.set(s, ABANDONED);
    return true;
  }

  /** Whether abandoned step {@code s}'s code held a thread when it was abandoned. */
  boolean lingered(int s) {
    return lingered[s];
  }

  /**
   * Skips step {@code s} if it is pending.
   *
   * @param cause the failed step that caused it, or -1 if the run stopped
   * @return whether this call skipped it
   */
  boolean trySkip(int s, int cause) {
    if (!status.compareAndSet(s, PENDING, SKIPPED)) {
      return false;
    }
    skippedBecause[s] = cause;
    return true;
  }

  long start(int s) {
    return startNanos[s];
  }

  long end(int s) {
    return endNanos[s];
  }

  Throwable error(int s) {
    return errors[s];
  }

  int skippedBecause(int s) {
    return skippedBecause[s];
  }

  /** Step {@code s} goes through the attempt machinery, with up to {@code max} attempts. */
  void expectAttempts(int s, int max) {
    attempts[s] = new ArrayList<>(max);
  }

  /** Records one attempt of step {@code s}. */
  void attempted(int s, AttemptRecord attempt) {
    List<AttemptRecord> records = attempts[s];
    synchronized (records) {
      records.add(attempt);
    }
  }

  /** Step {@code s}'s attempts so far (a copy), or null if it kept no list. */
  List<AttemptRecord> attempts(int s) {
    List<AttemptRecord> records = attempts[s];
    if (records == null) {
      return null;
    }
    synchronized (records) {
      return List.copyOf(records);
    }
  }

  /**
   * The number of step {@code s}'s last attempt: its last recorded attempt, 1 for a step that ran
   * once without the attempt machinery, 0 for one that ran no attempt (a cache hit, a restored
   * result).
   */
  int lastAttempt(int s) {
    List<AttemptRecord> records = attempts[s];
    if (records == null) {
      return cacheHit[s] ? 0 : 1;
    }
    synchronized (records) {
      return records.isEmpty() ? 0 : records.get(records.size() - 1).attempt();
    }
  }

  void markCacheHit(int s) {
    cacheHit[s] = true;
  }

  boolean cacheHit(int s) {
    return cacheHit[s];
  }

  void markFallbackUsed(int s) {
    fallbackUsed[s] = true;
  }

  boolean fallbackUsed(int s) {
    return fallbackUsed[s];
  }

  /** Records a child run of control-flow step {@code s}. */
  void addChild(int s, ChildRun child) {
    synchronized (children) {
      if (children[s] == null) {
        children[s] = new ArrayList<>();
      }
      children[s].add(child);
    }
  }

  /** Step {@code s}'s child runs (a copy), or null for a step that has none. */
  List<ChildRun> children(int s) {
    synchronized (children) {
      return children[s] == null ? null : List.copyOf(children[s]);
    }
  }
}
