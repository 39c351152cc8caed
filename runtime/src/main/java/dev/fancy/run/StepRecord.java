package dev.fancy.run;

import dev.fancy.frame.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The history of one workflow step in a run, the same for every engine: a finished in-memory
 * run's {@link RunResult#history()}, a journaled run read by any process, and the REST API.
 *
 * @param stepId the workflow step's ID
 * @param slug the step's slug
 * @param version the step's version
 * @param status its state; in a finished run one of the final states
 * @param startedAt when its first attempt (or cache lookup) started, or null if it has not
 * @param endedAt when it reached a final state, or null
 * @param duration {@code endedAt - startedAt} (nanosecond resolution from a monotonic clock where
 *     the engine has one), including retry delays; {@link Duration#ZERO} if it did not run
 * @param error why it failed, was skipped or cancelled; null if it succeeded or has not ended
 * @param attempts every attempt, in order; empty for skipped steps and cache hits
 * @param cacheHit whether the outputs came from the step cache
 * @param fallbackUsed whether the outputs came from the step's fallback
 * @param usage the usage its attempts reported (for control-flow steps, their children's)
 * @param children for control-flow steps, every child run (iterations, elements, branches), in
 *     order; empty otherwise (and on engines that do not record child runs)
 * @param checkpoints how many checkpoints the step's attempts recorded in the run
 *     ({@code frame.checkpoint}); the number of its latest. A durable run's history read from the
 *     journal counts those of every process; 0 where the engine does not record them, and when
 *     read from JSON written before the field existed (a Temporal run's carried state)
 */
public record StepRecord(UUID stepId, String slug, int version, StepStatus status,
    Instant startedAt, Instant endedAt, Duration duration, ErrorInfo error,
    List<AttemptRecord> attempts, boolean cacheHit, boolean fallbackUsed, Usage usage,
    List<ChildRun> children,
    @com.fasterxml.jackson.annotation.JsonSetter(
        nulls = com.fasterxml.jackson.annotation.Nulls.AS_EMPTY) long checkpoints) {

  /**
   * Checks the fields and copies the lists.
   *
   * @throws NullPointerException if an ID, the slug, the status, the duration, the usage or a
   *     list is null
   * @throws IllegalArgumentException if {@code checkpoints < 0}
   */
  public StepRecord {
    Objects.requireNonNull(stepId, "stepId == null");
    Objects.requireNonNull(slug, "slug == null");
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(duration, "duration == null");
    Objects.requireNonNull(usage, "usage == null");
    attempts = List.copyOf(attempts);
    children = List.copyOf(children);
    if (checkpoints < 0) {
      throw new IllegalArgumentException("checkpoints " + checkpoints + " < 0");
    }
  }

  /** A record without checkpoints (an engine that does not record them): {@code checkpoints} 0. */
  public StepRecord(UUID stepId, String slug, int version, StepStatus status, Instant startedAt,
      Instant endedAt, Duration duration, ErrorInfo error, List<AttemptRecord> attempts,
      boolean cacheHit, boolean fallbackUsed, Usage usage, List<ChildRun> children) {
    this(stepId, slug, version, status, startedAt, endedAt, duration, error, attempts, cacheHit,
        fallbackUsed, usage, children, 0);
  }
}
