package dev.fancy.run;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One run, wherever it executes: status, waiting, result, cancellation and its numbered events.
 * A handle is cheap and holds no resources; any number may exist for one run.
 */
public interface RunHandle {

  /** The run's ID. */
  UUID id();

  /** The run's status now. */
  RunStatus status();

  /**
   * Waits up to {@code timeout} for the run to end. In the process that executes the run this
   * wakes on its completion; a run executed by another process is awaited by watching the
   * journal.
   *
   * @return the status when the run ended or the time ran out (then {@link RunStatus#PENDING} or
   *     {@link RunStatus#RUNNING})
   * @throws dev.fancy.journal.JournalException if this process executed the run and its journal
   *     failed
   */
  RunStatus await(Duration timeout);

  /**
   * Waits as long as it takes for the run to end.
   *
   * @return {@link RunStatus#SUCCEEDED}, {@link RunStatus#FAILED} or {@link RunStatus#CANCELLED}
   * @throws dev.fancy.journal.JournalException as for {@link #await(Duration)}
   */
  default RunStatus await() {
    RunStatus status;
    do {
      status = await(Duration.ofDays(1));
    } while (!status.isFinal());
    return status;
  }

  /**
   * Waits for the run to end and returns its result.
   *
   * @throws UsageLimitExceededException if a usage limit stopped the run (it carries the result)
   * @throws dev.fancy.journal.JournalException if the run's record cannot be read
   */
  RunResult result();

  /**
   * Asks the run to stop: pending steps are skipped, running attempts see the cancellation
   * signal (and are interrupted); the run ends {@link RunStatus#CANCELLED} with {@code reason}
   * as its error.
   *
   * @return whether the run was still going (false if it had ended)
   * @throws UnsupportedOperationException if the engine lacks {@link Capability#CANCEL}, or the
   *     run executes in another process that this engine cannot reach
   */
  boolean cancel(String reason);

  /** The run and its steps' records now. */
  RunHistory history();

  /**
   * The run's events recorded so far with {@code sequence >= fromSequence}, in order.
   *
   * @param fromSequence the first wanted sequence number (1 for all)
   */
  List<RunEvent> events(long fromSequence);

  /**
   * Delivers the run's events from {@code fromSequence} on to {@code subscriber}: first those
   * already recorded, then each new one as it happens, in order, without gaps or repeats, until
   * the run's {@link RunEvent.Type#RUN_FINISHED} event or {@link EventSubscription#close()}.
   * Calls come from an engine thread, one at a time; a subscriber that throws is logged and
   * unsubscribed.
   */
  EventSubscription subscribe(long fromSequence, Consumer<RunEvent> subscriber);
}
