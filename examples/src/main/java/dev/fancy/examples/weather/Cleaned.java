package dev.fancy.examples.weather;

import dev.fancy.annotations.Reference;
import java.util.List;

/**
 * The result of cleaning raw CSV rows: two outputs of one step.
 *
 * @param observations the typed, valid rows in file order; stored as a REFERENCE cell (a file in
 *     the engine's reference store), since it is the largest value of the workflow
 * @param dropped how many rows were dropped as incomplete or invalid
 */
public record Cleaned(@Reference List<Observation> observations, int dropped) {}
