package dev.fancy.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param chunk for {@link Type#CHUNK}, the chunk as JSON; for {@link Type#CHECKPOINTED},
 *     {@code {"checkpoint": n, "bytes": b}}: the checkpoint's number (from 1 per step and run) and
 *     the size of its JSON (the value itself is not in the event)
 * @param child for an event of a child run (a map element, a branch, a loop iteration, a
 *     sub-workflow) or about one ({@link Type#CHILD_RUN_STARTED}, {@link Type#CHILD_RUN_FINISHED}):
 *     which child run, started by which step of which run, at which position; null for events of
 *     the top-level run itself. {@link #runId()} is always the top-level run, whose sequence
 *     numbers every event
 */
public record RunEvent(long sequence, UUID runId, Instant at, Type type, UUID stepId, String slug,
    int attempt, String status, ErrorInfo error, Duration delay, Usage usage, JsonNode chunk,
    @JsonInclude(JsonInclude.Include.NON_NULL) Child child) {

  /**
   * The child run an event belongs to.
   *
   * @param runId the child run's ID
   * @param parentRunId the run whose control-flow step started it: the top-level run, or for a
   *     nested group the enclosing child run
   * @param parentStepId that control-flow step (a {@code Flow.map}, {@code parallel},
   *     {@code route}, loop, conditional or sub-workflow step)
   * @param label which child it is: {@code "element 3"}, {@code "branch fast"},
   *     {@code "iteration 2"}, {@code "body"}
   * @param index its position: the element's index from 0, the branch's position among the
   *     step's branches, the iteration from 1
   */
  public record Child(UUID runId, UUID parentRunId, UUID parentStepId, String label, int index) {
    /**
     * Checks the fields.
     *
     * @throws NullPointerException if an ID or the label is null
     */
    public Child {
      Objects.requireNonNull(runId, "runId == null");
      Objects.requireNonNull(parentRunId, "parentRunId == null");
      Objects.requireNonNull(parentStepId, "parentStepId == null");
      Objects.requireNonNull(label, "label == null");
    }
  }

  /** An event of the top-level run itself ({@link #child()} null). */
  public RunEvent(long sequence, UUID runId, Instant at, Type type, UUID stepId, String slug,
      int attempt, String status, ErrorInfo error, Duration delay, Usage usage, JsonNode chunk) {
    this(sequence, runId, at, type, stepId, slug, attempt, status, error, delay, usage, chunk,
        null);
  }

  /** What a {@link RunEvent} reports. */
  public enum Type {
    /** The run's inputs were bound and its first steps may start. */
    RUN_STARTED,
    /** An attempt of a step started (attempt 1 is the step's start). */
    ATTEMPT_STARTED,
    /** A chunk the step emitted through its frame. */
    CHUNK,
    /**
     * The attempt recorded a checkpoint through its frame ({@code frame.checkpoint(value)}); its
     * number and size are in {@code chunk}.
     */
    CHECKPOINTED,
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
    RUN_FINISHED,
    /** A child run started ({@link #child()} says which). */
    CHILD_RUN_STARTED,
    /** A child run ended; {@code status} is its status. Never a run's last event. */
    CHILD_RUN_FINISHED
  }

  /**
   * Checks the fields; a JSON null {@code chunk} of any type but {@link Type#CHUNK} is null.
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
    if (type != Type.CHUNK && chunk != null && chunk.isNull()) {
      chunk = null; // JSON null read back from a journal, for a field that does not apply
    }
  }

  /** Whether this is the run's final event. */
  @JsonIgnore
  public boolean isFinal() {
    return type == Type.RUN_FINISHED;
  }
}
