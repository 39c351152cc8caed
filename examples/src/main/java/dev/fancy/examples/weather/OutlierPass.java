package dev.fancy.examples.weather;

import java.util.List;

/**
 * One pass of outlier removal: two outputs of one step.
 *
 * @param kept the observations within three standard deviations of the mean maximum temperature
 * @param droppedAny whether this pass dropped anything (another pass may find new outliers)
 */
public record OutlierPass(List<Observation> kept, boolean droppedAny) {}
