package dev.fancy.temporal;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The activity that runs one Fancy step on a worker: it finds the step's code in the worker's
 * registry by slug and version, converts the inputs with the engine's codec, calls the step with
 * a frame (attempt number from Temporal, usage meter, chunk sink, cancellation), checks the
 * outputs with the step's validators and returns them as JSON. A worker registers it through
 * {@link TemporalEngine#worker}.
 */
@ActivityInterface
public interface FancyActivities {

  /** The activity type name. */
  String STEP = "FancyStep";

  /**
   * Runs one attempt of one step (or its fallback).
   *
   * @throws io.temporal.failure.ApplicationFailure of the step's error type (its class name) for
   *     a failed attempt, non-retryable when the step's retry policy says so
   */
  @ActivityMethod(name = STEP)
  Messages.StepOutcome runStep(Messages.StepRequest request);
}
