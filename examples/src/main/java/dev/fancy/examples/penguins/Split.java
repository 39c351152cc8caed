package dev.fancy.examples.penguins;

import java.util.List;

/**
 * A training and a held-out test set.
 *
 * @param train the rows to fit on
 * @param test the rows to measure accuracy on
 */
public record Split(List<Penguin> train, List<Penguin> test) {}
