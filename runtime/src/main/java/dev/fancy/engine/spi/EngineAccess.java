package dev.fancy.engine.spi;

import dev.fancy.engine.Engine;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.workflow.Workflow;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Lets the journal start journaled runs on an {@link Engine} although {@code Engine} has no public
 * method for it: {@code Engine} hands its package-private starter over when its class is
 * initialized. The pattern is the JDK's {@code jdk.internal.access.SharedSecrets}.
 */
public final class EngineAccess {

  /** Starts a journaled run on an engine. */
  @FunctionalInterface
  public interface JournaledStarter {
    /**
     * Starts {@code workflow} under {@code journaled.runId()}, recording its attempts in
     * {@code journaled.journal()} and restoring what it committed before; see
     * {@code Engine.start} for the errors.
     */
    CompletableFuture<RunResult> start(Engine engine, Workflow workflow, Inputs inputs,
        RunOptions options, JournaledRun journaled);
  }

  private static volatile JournaledStarter starter;

  private EngineAccess() {}

  /**
   * Called once, by {@code Engine}'s static initializer.
   *
   * @throws IllegalStateException if a starter was set already
   */
  public static synchronized void setStarter(JournaledStarter engineStarter) {
    if (starter != null) {
      throw new IllegalStateException("the journaled starter is set already");
    }
    starter = engineStarter;
  }

  /** Starts a journaled run on {@code engine} (whose class is initialized, as it exists). */
  public static CompletableFuture<RunResult> startJournaled(Engine engine, Workflow workflow,
      Inputs inputs, RunOptions options, JournaledRun journaled) {
    return starter.start(engine, workflow, inputs, options, journaled);
  }
}
