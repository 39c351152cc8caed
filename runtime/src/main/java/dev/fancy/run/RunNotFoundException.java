package dev.fancy.run;

import dev.fancy.FancyException;
import java.util.UUID;

/** No run with the given ID is known to the engine (or its journal). */
public final class RunNotFoundException extends FancyException {
  private static final long serialVersionUID = 1L;

  private final UUID runId;

  /**
   * Creates the exception.
   *
   * @param where what was searched, for the message: "the in-memory engine", a journal file
   */
  public RunNotFoundException(UUID runId, String where) {
    super("no run " + runId + " in " + where + "; list the known runs with runs(RunQuery)");
    this.runId = runId;
  }

  /** The unknown run ID. */
  public UUID runId() {
    return runId;
  }
}
