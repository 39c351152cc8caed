package dev.fancy.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The history of one workflow step in a run.
 *
 * @param stepId the workflow step's ID
 * @param slug the step's slug
 * @param version the step's version
 * @param status succeeded, failed or skipped
 * @param start when the step started, or null if it was skipped
 * @param end when the step ended, or null if it was skipped
 * @param duration {@code end - start} (nanosecond resolution from a monotonic clock), or
 *     {@link Duration#ZERO} if skipped
 * @param errorType for a failed step, the class name of what it threw; otherwise null
 * @param errorMessage for a failed step, the exception's message; for a skipped step, which
 *     upstream step failed; otherwise null
 */
public record StepRecord(UUID stepId, String slug, int version, StepStatus status, Instant start,
    Instant end, Duration duration, String errorType, String errorMessage) {}
