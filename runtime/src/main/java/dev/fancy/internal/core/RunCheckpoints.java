package dev.fancy.internal.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The latest checkpoint of each step of one run execution, as this process knows it: the
 * in-memory engine's only copy (kept across the attempts of the run), and a durable run's cache
 * of what its journal holds (filled from the journal on a step's first read, kept current by the
 * checkpoints this process journals). A child run of a control-flow step has its own.
 */
final class RunCheckpoints {

  /**
   * One step's latest checkpoint.
   *
   * @param number its number, from 1 per step and run
   * @param json the value's JSON (never changed once stored)
   */
  record Latest(long number, JsonNode json) {}

  private final AtomicReferenceArray<Latest> latest;

  RunCheckpoints(int steps) {
    this.latest = new AtomicReferenceArray<>(steps);
  }

  /** Step {@code s}'s latest checkpoint, or null. */
  Latest get(int s) {
    return latest.get(s);
  }

  /** Stores {@code json} as step {@code s}'s next checkpoint; returns its number. */
  long append(int s, JsonNode json) {
    for (;;) {
      Latest current = latest.get(s);
      Latest next = new Latest(current == null ? 1 : current.number() + 1, json);
      if (latest.compareAndSet(s, current, next)) {
        return next.number();
      }
    }
  }

  /** Keeps {@code checkpoint} as step {@code s}'s latest unless a later one is kept already. */
  void offer(int s, Latest checkpoint) {
    for (;;) {
      Latest current = latest.get(s);
      if (current != null && current.number() >= checkpoint.number()) {
        return;
      }
      if (latest.compareAndSet(s, current, checkpoint)) {
        return;
      }
    }
  }

  /** How many checkpoints step {@code s} recorded in the run, as far as this process knows. */
  long count(int s) {
    Latest current = latest.get(s);
    return current == null ? 0 : current.number();
  }
}
