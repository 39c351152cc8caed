package dev.fancy.examples.weather;

/**
 * An ordinary least-squares line through monthly maximum-temperature anomalies (a month's mean
 * daily maximum minus the mean of that calendar month over all years):
 * {@code anomaly = intercept + slope * (year - 2000)}, with the year as a fractional year at the
 * middle of each month.
 *
 * @param location the station's city
 * @param months the number of monthly means fitted
 * @param slopePerDecade the slope in °C per decade
 * @param intercept the fitted anomaly in °C at the start of 2000
 * @param rSquared the coefficient of determination, in [0, 1]
 */
public record Trend(String location, int months, double slopePerDecade, double intercept,
    double rSquared) {}
