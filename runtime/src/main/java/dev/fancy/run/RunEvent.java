package dev.fancy.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.frame.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One thing that happened in a run, numbered: {@link #sequence()} counts from 1 per run without
 * gaps, so a subscriber that saw events up to N and reconnects with {@code events(N + 1)} misses
 * nothing (the Server-Sent Events {@code Last-Event-ID} rule). On a durable engine events are
 * journaled with the state change they describe and keep their numbers across restarts and
 * processes. Fields that do not apply to a {@link Type} are null (or 0 for {@code attempt}).
 *
 * @param sequence the event's number in its run, from 1
 * @param runId the run
 * @param at when it happened
 * @param type what happened
 * @param stepId the workflow step it is about, or null for run events
 * @param slug that step's slug, or null
 * @param attempt the attempt it is about, from 1; 0 where none applies
 * @param status for {@link Type#RUN_FINISHED} the run's final status (its name); for step events
 *     the step's status after the event; null otherwise
 * @param error the error of a failed attempt or step, why a step was skipped, why a run stopped
 * @param delay for {@link Type#RETRY_SCHEDULED}, the backoff before the next attempt
 * @param usage for step and run ends, what was reported (the step's, or the run's total)
 * @param chunk for {@link Type#CHUNK}, the chunk as JSON
 */
public record RunEvent(long sequence, UUID runId, Instant at, Type type, UUID stepId, String slug,
    int attempt, String status, ErrorInfo error, Duration delay, Usage usage, JsonNode chunk) {

  /** What a {@link RunEvent} reports. */
  public enum Type {
    /** The run's inputs were bound and its first steps may start. */
    RUN_STARTED,
    /** An attempt of a step started (attempt 1 is the step's start). */
    ATTEMPT_STARTED,
    /** A chunk the step emitted through its frame. */
    CHUNK,
    /** An attempt failed (thrown, timed out, rejected by a validator, vetoed). */
    ATTEMPT_FAILED,
    /** Another attempt will run after {@code delay}. */
    RETRY_SCHEDULED,
    /** The step's outputs came from the cache. */
    CACHE_HIT,
    /** The step's outputs are stored. */
    STEP_SUCCEEDED,
    /** The step failed after its last attempt (and its fallback). */
    STEP_FAILED,
    /** The step did not run. */
    STEP_SKIPPED,
    /** The step was running when the run stopped. */
    STEP_CANCELLED,
    /** The run ended; always the last event of a run (until it is resumed). */
    RUN_FINISHED
  }

  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException if {@code sequence < 1}
   * @throws NullPointerException if the run ID, time or type is null
   */
  public RunEvent {
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence " + sequence + " < 1");
    }
    Objects.requireNonNull(runId, "runId == null");
    Objects.requireNonNull(at, "at == null");
    Objects.requireNonNull(type, "type == null");
  }

  /** Whether this is the run's final event. */
  @JsonIgnore
  public boolean isFinal() {
    return type == Type.RUN_FINISHED;
  }
}
