package dev.fancy.engine;

import dev.fancy.frame.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The history of one workflow step in a run.
 *
 * @param stepId the workflow step's ID
 * @param slug the step's slug
 * @param version the step's version
 * @param status succeeded, failed, skipped or cancelled
 * @param start when the step started, or null if it was skipped
 * @param end when the step ended, or null if it was skipped
 * @param duration {@code end - start} (nanosecond resolution from a monotonic clock), including
 *     retry delays; {@link Duration#ZERO} if skipped
 * @param errorType for a failed step, the class name of the final error; otherwise null
 * @param errorMessage for a failed step, the final error's message; for a skipped step, why it
 *     was skipped; otherwise null
 * @param attempts every attempt, in order; empty for skipped steps and cache hits
 * @param cacheHit whether the outputs came from the step cache
 * @param fallbackUsed whether the outputs came from the step's fallback
 * @param usage the usage all attempts reported (for control-flow steps, their children's)
 * @param children for control-flow steps, every child run (iterations, elements, branches), in
 *     order; empty otherwise
 */
public record StepRecord(UUID stepId, String slug, int version, StepStatus status, Instant start,
    Instant end, Duration duration, String errorType, String errorMessage,
    List<AttemptRecord> attempts, boolean cacheHit, boolean fallbackUsed, Usage usage,
    List<ChildRun> children) {

  /** Copies the lists. */
  public StepRecord {
    attempts = List.copyOf(attempts);
    children = List.copyOf(children);
  }
}
