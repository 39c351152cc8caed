package dev.fancy.server.tracker;

/**
 * What one step of a tracker workflow does: the tracker's {@code {"id", "config": {"action",
 * "duration_seconds", "fail_probability"}}}. Retries ({@code max_retries}) are the workflow step's
 * retry policy, not part of the spec.
 *
 * @param id the step's ID in the tracker's definition (e.g. {@code fetch})
 * @param action a free label of what the step stands for (e.g. {@code fetch}); may be empty
 * @param durationSeconds how long each attempt sleeps, {@code >= 0}
 * @param failProbability the chance that an attempt fails, in {@code [0, 1]}
 */
public record TaskSpec(String id, String action, double durationSeconds,
    double failProbability) {}
