package dev.fancy.internal.journal;

import dev.fancy.run.RunStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * A run as the journal records it.
 *
 * @param runId the run's ID
 * @param workflowName the workflow's name
 * @param workflowHash the SHA-256 (hex) of the workflow JSON the run started with
 * @param status {@link RunStatus#RUNNING} until it ends
 * @param error why it failed or was cancelled, or null
 * @param owner the process (a {@code DurableEngine.owner()}) that holds its lease, or null
 * @param epoch how many times the run was claimed; every claim fences off the previous holder
 * @param leaseUntil when the owner's lease runs out unless renewed, or null
 * @param createdAt when it was submitted
 * @param finishedAt when it ended, or null
 * @param labels the labels it was started with
 */
public record JournalRun(UUID runId, String workflowName, String workflowHash, RunStatus status,
    String error, String owner, long epoch, Instant leaseUntil, Instant createdAt,
    Instant finishedAt, java.util.Map<String, String> labels) {

  /** Copies the labels. */
  public JournalRun {
    labels = java.util.Map.copyOf(labels);
  }

  /**
   * This run in the engine contract's history model.
   *
   * @param usage what its attempts reported ({@code Journal.usage})
   */
  public dev.fancy.run.RunInfo toRunInfo(dev.fancy.frame.Usage usage) {
    return new dev.fancy.run.RunInfo(runId, workflowName, status, createdAt, createdAt,
        finishedAt, errorInfo(), labels, usage);
  }

  /**
   * The run's error in the history model: stored as JSON by this version, as plain text by
   * earlier ones (read as a message of kind {@code fancy.failed} or {@code fancy.cancelled}).
   */
  public dev.fancy.run.ErrorInfo errorInfo() {
    if (error == null) {
      return null;
    }
    if (error.startsWith("{")) {
      try {
        return JournalJson.MAPPER.readValue(error, dev.fancy.run.ErrorInfo.class);
      } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
        // not ours: fall through to text
      }
    }
    return dev.fancy.run.ErrorInfo.of(status == RunStatus.CANCELLED
        ? dev.fancy.run.ErrorInfo.CANCELLED : "fancy.failed", error);
  }
}
