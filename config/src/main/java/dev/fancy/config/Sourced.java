package dev.fancy.config;

/**
 * A value and where it was written ({@code sweep.yaml:7:12}, {@code --set lr=0.1}), so that a
 * problem found when the value is bound names its origin. Unwrapped by {@link Config#with}.
 */
record Sourced(Object value, String origin) {}
