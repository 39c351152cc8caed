package dev.fancy.examples.weather;

import java.util.Map;

/**
 * What the control-flow tour finds for one station.
 *
 * @param trend the temperature trend after outlier removal
 * @param analyses the routed analyses' results
 */
public record StationReport(Trend trend, Map<Analysis, String> analyses) {}
