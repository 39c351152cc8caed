package dev.fancy.engine;

import dev.fancy.frame.Usage;
import java.time.Duration;
import java.time.Instant;

/**
 * One attempt of one step.
 *
 * @param attempt the attempt number, from 1
 * @param outcome how it ended
 * @param start when it started
 * @param end when it ended
 * @param duration {@code end - start}, from a monotonic clock
 * @param errorType the class name of its error, or null if it succeeded
 * @param errorMessage its error's message, or null
 * @param usage what it reported through its frame
 */
public record AttemptRecord(int attempt, AttemptOutcome outcome, Instant start, Instant end,
    Duration duration, String errorType, String errorMessage, Usage usage) {}
