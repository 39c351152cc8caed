package dev.fancy.engine;

import java.util.UUID;

/**
 * Which step of which run an event is about.
 *
 * @param runId the run's ID
 * @param stepId the workflow step's ID
 * @param slug the step's slug
 * @param version the step's version
 */
record StepEvent(UUID runId, UUID stepId, String slug, int version) {}
