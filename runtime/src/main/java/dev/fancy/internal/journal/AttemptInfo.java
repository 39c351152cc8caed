package dev.fancy.internal.journal;

import dev.fancy.run.AttemptStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * One attempt of a step as the journal records it.
 *
 * @param idempotencyKey the attempt's key, {@code <run>:<step>:<attempt>}
 * @param stepId the workflow step's ID
 * @param attempt the attempt number across every process, from 1
 * @param status how it ended, or {@link AttemptStatus#RUNNING}
 * @param errorType the error's class name, or null
 * @param errorMessage the error's message, or null
 * @param startedAt when it started
 * @param endedAt when it ended (or was closed as abandoned), or null
 */
public record AttemptInfo(String idempotencyKey, UUID stepId, int attempt, AttemptStatus status,
    String errorType, String errorMessage, Instant startedAt, Instant endedAt) {}
