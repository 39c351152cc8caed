package dev.fancy.examples.weather;

import java.time.LocalDate;

/**
 * One typed day of weather at one location.
 *
 * @param location the station's city, e.g. {@code Seattle}
 * @param date the day
 * @param precipitation precipitation in millimetres, {@code >= 0}
 * @param tempMax daily maximum temperature in °C
 * @param tempMin daily minimum temperature in °C
 * @param wind mean wind speed in m/s, {@code >= 0}
 * @param weather the day's summary: drizzle, rain, sun, snow or fog
 */
public record Observation(String location, LocalDate date, double precipitation, double tempMax,
    double tempMin, double wind, String weather) {}
