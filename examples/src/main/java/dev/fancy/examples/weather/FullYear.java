package dev.fancy.examples.weather;

import dev.fancy.workflow.OutputValidator;

/**
 * Accepts a yearly summary only if it covers a full year (at least 365 days); a partial year is a
 * failed attempt, retried like any other.
 */
public final class FullYear implements OutputValidator<YearSummary> {

  @Override
  public String problem(YearSummary summary) {
    return summary.days() >= 365 ? null
        : summary.year() + " has only " + summary.days() + " days of data";
  }
}
