package dev.fancy.internal.journal;

import java.util.Objects;
import java.util.UUID;

/**
 * A process's hold on one run: the run is executed only by the owner of its current lease, and
 * every write for the run checks owner and epoch in the same transaction (the epoch is a fencing
 * token: a claim increments it, so a process that lost the run cannot write for it any more, even
 * if it later claims the run again).
 *
 * @param runId the run
 * @param owner the process's owner ID
 * @param epoch the claim's epoch
 */
record Lease(UUID runId, String owner, long epoch) {
  Lease {
    Objects.requireNonNull(runId, "runId == null");
    Objects.requireNonNull(owner, "owner == null");
  }
}
