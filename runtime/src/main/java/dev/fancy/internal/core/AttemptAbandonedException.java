package dev.fancy.internal.core;

/**
 * Thrown on a step's own thread when it comes to write its attempt's end and finds that the run's
 * cancel grace ran out meanwhile: the step was abandoned, and what the attempt produced is
 * dropped.
 */
final class AttemptAbandonedException extends RuntimeException {

  AttemptAbandonedException(String slug) {
    super("step '" + slug + "' was abandoned when the run's cancel grace ran out", null, false,
        false);
  }
}
