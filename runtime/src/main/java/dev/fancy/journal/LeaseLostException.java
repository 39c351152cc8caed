package dev.fancy.journal;

import java.util.UUID;

/**
 * This process no longer holds the lease of a run: another process took the run over (its lease
 * had run out, for example while this process was paused), so this process's late writes for the
 * run are refused (fencing, as in Martin Kleppmann's fencing tokens: every write checks the lease
 * owner and epoch in the same transaction). The run goes on in the process that holds it.
 */
public final class LeaseLostException extends JournalException {
  private static final long serialVersionUID = 1L;

  private final UUID runId;

  /** Creates the exception for run {@code runId}. */
  public LeaseLostException(UUID runId, String message) {
    super(message, null);
    this.runId = runId;
  }

  /** The run whose lease was lost. */
  public UUID runId() {
    return runId;
  }
}
