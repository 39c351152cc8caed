package dev.fancy.internal.core;

import dev.fancy.frame.Usage;
import dev.fancy.frame.UsageLimits;

/**
 * A run's usage, per step and in total, checked against the run's limits after every attempt.
 * The first addition that makes the total exceed a limit is the breach: its step and the exact
 * total are kept. Thread-safe.
 */
final class UsageAccount {

  private final UsageLimits limits;
  private final Usage[] perStep;
  /** Per control-flow step, what its child runs reported since its journal last recorded it. */
  private final Usage[] fromChildren;
  private Usage total;
  private Usage atBreach;
  private int breachingStep = -1;

  /**
   * @param steps the number of steps
   * @param before usage the run reported before (earlier executions of a resumed run)
   */
  UsageAccount(UsageLimits limits, int steps, Usage before) {
    this.limits = limits;
    this.perStep = new Usage[steps];
    this.fromChildren = new Usage[steps];
    this.total = before;
  }

  /**
   * Adds what step {@code s} used.
   *
   * @param stopped whether the run is stopped already (then no new breach is reported)
   * @return the description of the breach this addition caused, or null
   */
  synchronized String add(int s, Usage used, boolean stopped) {
    perStep[s] = perStep[s] == null ? used : perStep[s].plus(used);
    total = total.plus(used);
    String breach = stopped || atBreach != null ? null : limits.breach(total);
    if (breach != null) {
      atBreach = total;
      breachingStep = s;
    }
    return breach;
  }

  /** Notes that {@code used}, just added for step {@code s}, came from one of its child runs. */
  synchronized void fromChild(int s, Usage used) {
    fromChildren[s] = fromChildren[s] == null ? used : fromChildren[s].plus(used);
  }

  /**
   * What step {@code s}'s child runs reported since the last call: a control-flow step's attempt
   * journals it with its own usage, so the journal's ledger counts child runs too.
   */
  synchronized Usage takeFromChildren(int s) {
    Usage taken = fromChildren[s] == null ? Usage.NONE : fromChildren[s];
    fromChildren[s] = null;
    return taken;
  }

  /** The run's total so far. */
  synchronized Usage total() {
    return total;
  }

  /** What each step used, by step index; null for a step that reported nothing. A copy. */
  synchronized Usage[] steps() {
    return perStep.clone();
  }

  /** The total at the breach, or null if the limits were never exceeded. */
  synchronized Usage atBreach() {
    return atBreach;
  }

  /** The step whose usage breached the limits, or -1. */
  synchronized int breachingStep() {
    return breachingStep;
  }
}
