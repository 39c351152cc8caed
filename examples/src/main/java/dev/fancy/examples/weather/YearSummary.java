package dev.fancy.examples.weather;

import java.util.Map;

/**
 * One location's weather over one calendar year.
 *
 * @param location the station's city
 * @param year the calendar year
 * @param days the number of observed days
 * @param meanTempMax mean daily maximum temperature, °C
 * @param meanTempMin mean daily minimum temperature, °C
 * @param totalPrecipitation total precipitation, mm
 * @param weatherDays number of days per weather summary (sorted by name)
 */
public record YearSummary(String location, int year, int days, double meanTempMax,
    double meanTempMin, double totalPrecipitation, Map<String, Integer> weatherDays) {}
