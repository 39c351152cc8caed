package dev.fancy.run;

import dev.fancy.FancyException;
import java.util.Objects;
import java.util.UUID;

/**
 * A step of a run failed, described by the history model rather than by the thrown object: what
 * an engine reports when the original exception lives in another process (a journal read by
 * another process, a Temporal worker). {@link #error()} has the original type and message.
 */
public final class StepFailedException extends FancyException {
  private static final long serialVersionUID = 1L;

  private final UUID runId;
  private final UUID stepId;
  private final String slug;
  private final int attempt;
  private final ErrorInfo error;

  /**
   * Creates the exception.
   *
   * @param attempt the failed attempt's number, from 1 (0 if the step failed before any attempt)
   */
  public StepFailedException(UUID runId, UUID stepId, String slug, int attempt, ErrorInfo error) {
    super("step '" + slug + "' (" + stepId + ") of run " + runId + " failed"
        + (attempt > 0 ? " at attempt " + attempt : "") + ": " + error);
    this.runId = runId;
    this.stepId = stepId;
    this.slug = slug;
    this.attempt = attempt;
    this.error = Objects.requireNonNull(error, "error == null");
  }

  /** The run's ID. */
  public UUID runId() {
    return runId;
  }

  /** The workflow step's ID. */
  public UUID stepId() {
    return stepId;
  }

  /** The step's slug. */
  public String slug() {
    return slug;
  }

  /** The failed attempt's number, from 1; 0 if no attempt ran. */
  public int attempt() {
    return attempt;
  }

  /** The step's error. */
  public ErrorInfo error() {
    return error;
  }
}
