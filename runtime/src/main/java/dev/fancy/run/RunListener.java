package dev.fancy.run;

/**
 * Receives a run's events as they happen, numbered as {@link RunHandle#events} has them: for
 * progress bars, logs and metrics in the process that executes the run (a process that only
 * watches uses {@link RunHandle#subscribe}). Engine-wide with {@code Engine.builder().listener}
 * or {@code DurableEngine.builder(journal).listener} (also for runs resumed or taken over), per
 * run with {@link RunOptions.Builder#listener}.
 *
 * <p>Calls come from the engine's worker threads, concurrently for parallel steps but in order
 * for one step (a step's chunks arrive in the order emitted); sequence numbers give the order
 * across steps. A listener that throws is logged and otherwise ignored: it never changes a run's
 * outcome. A listener should return quickly; it runs on the step's thread.
 */
@FunctionalInterface
public interface RunListener {

  /** One event of a run. */
  void onEvent(RunEvent event);
}
