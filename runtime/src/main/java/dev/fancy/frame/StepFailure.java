package dev.fancy.frame;

/**
 * Why a step failed after all its attempts; the input named {@code failure} of a fallback step.
 *
 * @param slug the failed step's slug
 * @param attempts how many attempts ran
 * @param errorType the class name of the last attempt's error
 * @param errorMessage the last attempt's error message (may be null)
 */
public record StepFailure(String slug, int attempts, String errorType, String errorMessage) {}
