package dev.fancy.journal;

import java.util.UUID;

/**
 * A workflow step of a run as the journal records it.
 *
 * @param stepId the workflow step's ID
 * @param slug the step's slug
 * @param version the step's version
 * @param status {@code RUNNING}, {@code PENDING} (between attempts), {@code SUCCEEDED},
 *     {@code FAILED}, {@code SKIPPED} or {@code CANCELLED}
 * @param attempts how many attempts were allocated
 * @param error why it did not succeed, or null
 */
public record StepInfo(UUID stepId, String slug, int version, String status, int attempts,
    String error) {}
