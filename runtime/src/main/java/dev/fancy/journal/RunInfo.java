package dev.fancy.journal;

import java.time.Instant;
import java.util.UUID;

/**
 * A run as the journal records it.
 *
 * @param runId the run's ID
 * @param workflowName the workflow's name
 * @param workflowHash the SHA-256 of the workflow JSON the run started with
 * @param status {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED} or {@code CANCELLED}
 * @param error why it failed or was cancelled, or null
 * @param owner the process that holds its lease, or null
 * @param createdAt when it was submitted
 * @param finishedAt when it ended, or null
 */
public record RunInfo(UUID runId, String workflowName, String workflowHash, String status,
    String error, String owner, Instant createdAt, Instant finishedAt) {}
