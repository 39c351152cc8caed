package dev.fancy.internal.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.frame.Usage;
import dev.fancy.run.StepStatus;
import dev.fancy.workflow.WorkflowStep;

/**
 * A run's way to its {@link StepJournal}, if it has one. The first exception from the journal
 * (other than an {@link AttemptRejectedException}) is the run's fault: the run halts in this
 * process at once and writes nothing more, so a full disk, a corrupt file or a lost lease can
 * neither kill a worker thread nor leave the run half-recorded; the run stays resumable in the
 * journal. Calls after the fault throw {@link RunHaltedException} (or, for {@link #end}, do
 * nothing).
 */
final class JournalGate {

  /** What a halted run does: stop without journaling. */
  interface Halt {
    void halt(RuntimeException fault);
  }

  static final JournalGate NONE = new JournalGate(null, fault -> { });

  private final StepJournal journal;
  private final Halt halt;
  private volatile RuntimeException fault;

  JournalGate(StepJournal journal, Halt halt) {
    this.journal = journal;
    this.halt = halt;
  }

  /** Whether the run is journaled. */
  boolean isActive() {
    return journal != null;
  }

  /** The journal's failure that halted the run, or null. */
  RuntimeException fault() {
    return fault;
  }

  /** Allocates an attempt; null for a run without journal. */
  StepJournal.JournalAttempt begin(WorkflowStep step) {
    if (journal == null) {
      return null;
    }
    requireHealthy();
    try {
      return journal.beginAttempt(step);
    } catch (RuntimeException e) {
      throw fail(e);
    }
  }

  /**
   * Commits a successful attempt and allocates the first attempt of {@code next}, if not null,
   * in the same transaction ({@link StepJournal#commitSuccess}).
   *
   * @return the attempt allocated for {@code next}, or null
   * @throws AttemptRejectedException if the journal rejected the attempt's effects
   * @throws RunHaltedException if the journal failed
   */
  StepJournal.JournalAttempt commit(WorkflowStep step, StepJournal.JournalAttempt attempt,
      ArrayNode outputs, Usage usage, WorkflowStep next) {
    if (attempt == null) {
      return null;
    }
    requireHealthy();
    try {
      return journal.commitSuccess(step, attempt, outputs, usage, next);
    } catch (AttemptRejectedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw fail(e);
    }
  }

  /** Records a failed attempt. */
  void failure(WorkflowStep step, StepJournal.JournalAttempt attempt, Throwable error,
      Usage usage, boolean last) {
    if (attempt == null) {
      return;
    }
    requireHealthy();
    try {
      journal.recordFailure(step, attempt, error, usage, last);
    } catch (RuntimeException e) {
      throw fail(e);
    }
  }

  /** Records how a step ended without success; never throws (it is called while stopping). */
  void end(WorkflowStep step, StepStatus status, String reason) {
    if (journal == null || fault != null) {
      return;
    }
    try {
      journal.recordEnd(step, status, reason);
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  /**
   * Journals a checkpoint of a running attempt.
   *
   * @return its number, or 0 if the journal no longer has the attempt running
   * @throws RunHaltedException if the journal failed (the run halts)
   */
  long checkpoint(WorkflowStep step, StepJournal.JournalAttempt attempt, String json) {
    requireHealthy();
    try {
      return journal.recordCheckpoint(step, attempt, json);
    } catch (RuntimeException e) {
      throw fail(e);
    }
  }

  /**
   * The step's latest journaled checkpoint, or null.
   *
   * @throws RunHaltedException if the journal failed (the run halts)
   */
  StepJournal.JournalCheckpoint latestCheckpoint(WorkflowStep step) {
    requireHealthy();
    try {
      return journal.latestCheckpoint(step);
    } catch (RuntimeException e) {
      throw fail(e);
    }
  }

  private void requireHealthy() {
    RuntimeException current = fault;
    if (current != null) {
      throw new RunHaltedException(current);
    }
  }

  private RunHaltedException fail(RuntimeException e) {
    boolean first;
    synchronized (this) {
      first = fault == null;
      if (first) {
        fault = e;
      }
    }
    if (first) {
      halt.halt(e);
    }
    return new RunHaltedException(fault);
  }
}
