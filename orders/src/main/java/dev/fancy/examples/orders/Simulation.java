package dev.fancy.examples.orders;

/**
 * How each fulfilment step behaves in the simulation (the durable-service design's
 * {@code duration_seconds}, {@code fail_probability}).
 *
 * @param durationSeconds how long each step takes
 * @param failProbability the chance that an attempt fails with a transient error, in [0, 1]
 */
public record Simulation(double durationSeconds, double failProbability) {}
