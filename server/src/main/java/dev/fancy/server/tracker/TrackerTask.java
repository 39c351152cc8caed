package dev.fancy.server.tracker;

import dev.fancy.annotations.Step;
import dev.fancy.frame.ExecutionFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The tracker's simulated task, the step every step of a tracker workflow runs: it sleeps
 * {@code duration_seconds} (waking early if the run is cancelled), then fails with probability
 * {@code fail_probability}. Each attempt has its own idempotency key
 * ({@link ExecutionFrame#idempotencyKey()}), so a retry is a fresh attempt.
 *
 * <p>For crash tests, when the system property {@value #EFFECTS_PROPERTY} (or the environment
 * variable {@code FANCY_TRACKER_EFFECTS}) names a file, each attempt that succeeds appends
 * {@code <run>:<step> <attempt> <idempotency key>} to it just before returning: a committed step that ran again
 * would show up as a second line for the same step.
 */
public final class TrackerTask {

  /** The system property naming the effect file. */
  public static final String EFFECTS_PROPERTY = "fancy.tracker.effects";

  private TrackerTask() {}

  /**
   * Runs one simulated task.
   *
   * @return {@code "<action> done"} with the attempt that succeeded
   * @throws TaskFailedException by chance, with probability {@code failProbability}
   * @throws InterruptedException if the attempt is interrupted (the run was cancelled)
   */
  @Step(slug = "tracker.task", description = "The tracker's simulated task: sleeps "
      + "duration_seconds, then fails with probability fail_probability.")
  public static String task(TaskSpec spec, ExecutionFrame frame) throws Exception {
    long end = System.nanoTime() + (long) (spec.durationSeconds() * 1e9);
    for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
      frame.cancellation().throwIfCancelled();
      Thread.sleep(Math.max(1, Math.min(50, left / 1_000_000)));
    }
    if (spec.failProbability() > 0
        && ThreadLocalRandom.current().nextDouble() < spec.failProbability()) {
      throw new TaskFailedException("simulated failure of '" + spec.id() + "' (attempt "
          + frame.attempt() + ", fail_probability " + spec.failProbability() + ")");
    }
    recordEffect(frame);
    return (spec.action().isEmpty() ? spec.id() : spec.action()) + " done (attempt "
        + frame.attempt() + ")";
  }

  private static void recordEffect(ExecutionFrame frame) throws IOException {
    String file = System.getProperty(EFFECTS_PROPERTY, System.getenv("FANCY_TRACKER_EFFECTS"));
    if (file == null || file.isEmpty()) {
      return;
    }
    synchronized (TrackerTask.class) {
      Files.writeString(Path.of(file), frame.stepKey() + " " + frame.attempt() + " "
          + frame.idempotencyKey() + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
          StandardOpenOption.SYNC);
    }
  }

  /** A simulated task failed by chance; another attempt may succeed. */
  public static final class TaskFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public TaskFailedException(String message) {
      super(message);
    }
  }
}
