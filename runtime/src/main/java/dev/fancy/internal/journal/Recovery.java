package dev.fancy.internal.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.frame.Usage;
import dev.fancy.frame.UsageLimits;
import dev.fancy.internal.core.Core;
import dev.fancy.journal.JournalException;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Workflow;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes runs over and reads them back: claims runs whose lease ran out (their process died) or
 * that a user resumes, reads each one's workflow, inputs, committed outputs, usage and options
 * from the journal, and hands it to the {@link Starter}. A run that cannot be read back is failed
 * with the cause; a journal that is busy, full or damaged leaves it resumable.
 */
final class Recovery {

  private static final Logger LOG = LoggerFactory.getLogger("dev.fancy.engine.DurableEngine");

  /** Starts a claimed run that was read back. */
  @FunctionalInterface
  interface Starter {
    void start(Lease lease, Workflow workflow, Inputs inputs, RunOptions options,
        Map<UUID, ArrayNode> committed, Usage usedBefore);
  }

  private final JournalStore journal;
  private final Core core;
  private final String owner;
  private final RunOptions defaults;
  private final Leases leases;
  private final Predicate<UUID> executingHere;
  private final Starter starter;

  Recovery(JournalStore journal, Core core, String owner, RunOptions defaults, Leases leases,
      Predicate<UUID> executingHere, Starter starter) {
    this.journal = journal;
    this.core = core;
    this.owner = owner;
    this.defaults = defaults;
    this.leases = leases;
    this.executingHere = executingHere;
    this.starter = starter;
  }

  /**
   * Takes over every running run whose lease has run out or that nobody holds.
   *
   * @return how many runs were taken over
   */
  synchronized int takeOver() {
    int taken = 0;
    for (UUID runId : journal.reader().claimable(journal.clock().instant())) {
      if (executingHere.test(runId)) {
        continue;
      }
      OptionalLong epoch;
      try {
        epoch = journal.runTable().claim(runId, owner, leases.leaseEnd(), false);
      } catch (JournalException e) {
        LOG.warn("cannot take over run {}: {}", runId, e.getMessage());
        break;
      }
      if (epoch.isPresent()) {
        LOG.info("taking over run {}", runId);
        restart(new Lease(runId, owner, epoch.getAsLong()));
        taken++;
      }
    }
    return taken;
  }

  /**
   * Resumes a failed or cancelled run (or a running one nobody holds).
   *
   * @throws IllegalStateException if the run succeeded, runs in this process, or is leased by
   *     another live process
   */
  synchronized void resume(JournalRun run) {
    UUID runId = run.runId();
    boolean here = executingHere.test(runId);
    if (here || run.status() == RunStatus.SUCCEEDED) {
      throw new IllegalStateException("run " + runId + " is " + (here
          ? "running in this process" : "succeeded")
          + "; only failed, cancelled or abandoned runs can be resumed");
    }
    OptionalLong epoch = journal.runTable().claim(runId, owner, leases.leaseEnd(), true);
    if (epoch.isEmpty()) {
      throw new IllegalStateException("run " + runId + " is leased by another process ("
          + run.owner() + ") until " + run.leaseUntil());
    }
    restart(new Lease(runId, owner, epoch.getAsLong()));
  }

  /** Reads a claimed run back from the journal and starts it; fails it if it is unreadable. */
  private void restart(Lease lease) {
    UUID runId = lease.runId();
    try {
      JournalRun info = journal.run(runId).orElseThrow(() -> new JournalException("the run "
          + runId + " vanished from the journal", null));
      Workflow workflow = journal.loadWorkflow(info.workflowHash());
      core.validate(workflow);
      Inputs inputs = Inputs.fromJson(workflow, journal.runInputs(runId), core.codec());
      Map<UUID, ArrayNode> committed = journal.committedOutputs(runId);
      Usage usedBefore = journal.usage(runId);
      starter.start(lease, workflow, inputs, readOptions(runId), committed, usedBefore);
    } catch (RuntimeException e) {
      if (e instanceof JournalException journalFailure && journalFailure.isTransient()) {
        LOG.warn("cannot resume run {} now; it stays resumable: {}", runId, e.getMessage());
        return;
      }
      LOG.error("run {} cannot be resumed and is failed: {}", runId, e.getMessage());
      try {
        journal.runTable().finish(lease, RunStatus.FAILED, "cannot resume: " + e.getMessage());
      } catch (JournalException failure) {
        LOG.warn("cannot record that run {} failed: {}", runId, failure.getMessage());
      }
    }
  }

  private RunOptions readOptions(UUID runId) {
    RunOptions options = defaults.withRunId(runId);
    JsonNode limits = journal.runOptions(runId).map(json -> json.get("limits")).orElse(null);
    if (limits == null || limits.isNull()) {
      return options;
    }
    try {
      return options.withLimits(JournalJson.MAPPER.treeToValue(limits, UsageLimits.class));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new JournalException("the usage limits of run " + runId + " are corrupt: "
          + e.getMessage(), e);
    }
  }
}
