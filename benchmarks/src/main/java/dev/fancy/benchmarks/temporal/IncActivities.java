package dev.fancy.benchmarks.temporal;

import io.temporal.activity.ActivityInterface;

/** The hand-written Temporal peer's activity: the same trivial step as {@code bench.inc}. */
@ActivityInterface
public interface IncActivities {

  /** Adds one. */
  int inc(int x);

  /** The implementation. */
  final class Impl implements IncActivities {
    @Override
    public int inc(int x) {
      return x + 1;
    }
  }
}
