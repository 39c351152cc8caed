package dev.fancy.examples.weather;

import java.util.List;

/**
 * Observations split by station: one input, two outputs.
 *
 * @param seattle the Seattle observations, in date order
 * @param newYork the New York observations, in date order
 */
public record Sites(List<Observation> seattle, List<Observation> newYork) {}
