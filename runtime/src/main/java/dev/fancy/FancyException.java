package dev.fancy;

/**
 * The root of every exception Fancy throws on purpose, unchecked. Subclasses carry structured
 * fields besides the message, so callers (and the REST API, which maps them to problem types)
 * branch on fields rather than parse text. Temporal's {@code TemporalFailure} tree is the model:
 * a few meaningful kinds, each with what a caller needs to act.
 *
 * <ul>
 *   <li>{@link dev.fancy.workflow.WorkflowValidationException}: a workflow, its inputs or its
 *       options are invalid; nothing ran or was recorded.
 *   <li>{@link dev.fancy.run.RunFailedException}: a run did not succeed ({@link dev.fancy.run.RunResult#requireSucceeded}).
 *   <li>{@link dev.fancy.run.StepFailedException}: one step's attempt failed (the error steps' callers see).
 *   <li>{@link dev.fancy.run.UsageLimitExceededException}: a run's usage crossed its limits.
 *   <li>{@link dev.fancy.run.RunNotFoundException}: no engine or journal knows the run ID.
 *   <li>{@link dev.fancy.journal.JournalException}: the journal cannot be read or written.
 * </ul>
 */
public class FancyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that says what is wrong and how to fix it. */
  public FancyException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the error that caused it. */
  public FancyException(String message, Throwable cause) {
    super(message, cause);
  }
}
