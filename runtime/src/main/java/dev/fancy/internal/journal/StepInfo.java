package dev.fancy.internal.journal;

import dev.fancy.run.StepStatus;
import java.util.UUID;

/**
 * A workflow step of a run as the journal records it.
 *
 * @param stepId the workflow step's ID
 * @param slug the step's slug
 * @param version the step's version
 * @param status {@link StepStatus#RUNNING} during an attempt, {@link StepStatus#PENDING} between
 *     attempts, then its final state
 * @param attempts how many attempts were allocated, across every process
 * @param error why it did not succeed, or null
 */
public record StepInfo(UUID stepId, String slug, int version, StepStatus status, int attempts,
    String error) {}
