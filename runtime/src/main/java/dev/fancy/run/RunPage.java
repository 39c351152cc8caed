package dev.fancy.run;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@link WorkflowEngine#runs}: runs newest first, and the cursor of the next page.
 *
 * @param runs the runs on this page
 * @param next the cursor of the next page ({@link RunQuery#after}), or null on the last page
 */
public record RunPage(List<RunInfo> runs, String next) {

  /** Copies the list. */
  public RunPage {
    runs = List.copyOf(runs);
  }

  /** The next page's cursor, if there is a next page. */
  public Optional<String> nextCursor() {
    return Optional.ofNullable(next);
  }
}
