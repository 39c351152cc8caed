package dev.fancy.run;

import dev.fancy.frame.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One attempt of one step, the same for every engine.
 *
 * @param attempt the attempt number, from 1 (across every process that ran the step)
 * @param status how it ended, or {@link AttemptStatus#RUNNING}
 * @param idempotencyKey the key of its effects, {@code <run>:<step>:<attempt>}
 * @param startedAt when it started
 * @param endedAt when it ended, or null while it runs
 * @param duration {@code endedAt - startedAt}, from a monotonic clock where the engine has one;
 *     {@link Duration#ZERO} while it runs
 * @param error its error, or null if it succeeded or runs
 * @param usage what it reported through its frame ({@link Usage#NONE} where the engine did not
 *     record it)
 */
public record AttemptRecord(int attempt, AttemptStatus status, String idempotencyKey,
    Instant startedAt, Instant endedAt, Duration duration, ErrorInfo error, Usage usage) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if the status, the duration or the usage is null
   * @throws IllegalArgumentException if {@code attempt < 1}
   */
  public AttemptRecord {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt " + attempt + " < 1");
    }
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(duration, "duration == null");
    Objects.requireNonNull(usage, "usage == null");
  }
}
