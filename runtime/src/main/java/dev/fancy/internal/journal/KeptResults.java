package dev.fancy.internal.journal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunResult;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results of runs this process finished, kept in memory up to a number of runs and a total
 * estimated retained size ({@link KeptWeight}), the least recently used dropped first; and
 * results read back from the journal for every other finished run.
 *
 * <p>A kept result holds the run's record, its step history and its failure as thrown, never
 * its cell values: those are decoded from the journal's committed outputs when first read, by
 * each result object on its own. The one exception is the outputs of steps answered from the
 * step cache, which the journal does not hold: they are kept as JSON text, and weighed. So a run's outputs weigh nothing here however large they are,
 * a dropped result is read back from the journal whole, and keeping a result can never fail a
 * run: a result heavier than the whole bound, or one that cannot be weighed, is not kept.
 */
final class KeptResults {

  private static final Logger LOG = LoggerFactory.getLogger(KeptResults.class);

  /** What a kept result retains, and its estimated weight in bytes. */
  private record Kept(RunInfo info, Workflow workflow, Duration duration,
      List<StepRecord> history, Throwable failure, Map<UUID, String> uncommitted,
      AtomicBoolean deleted, long weight) {}

  private final JournalStore journal;
  private final ValueCodec codec;
  private final int maxRuns;
  private final long maxBytes;
  /** In access order: the first entry is the least recently used. Guarded by {@code this}. */
  private final LinkedHashMap<UUID, Kept> kept = new LinkedHashMap<>(16, 0.75f, true);
  private long weight;

  KeptResults(JournalStore journal, ValueCodec codec, int maxRuns, long maxBytes) {
    this.journal = journal;
    this.codec = codec;
    this.maxRuns = maxRuns;
    this.maxBytes = maxBytes;
  }

  /**
   * Keeps the history and failure of {@code result}, dropping the least recently used results
   * until both bounds hold. Never throws: a result that cannot be kept is read from the journal.
   */
  void keep(UUID runId, RunResult result) {
    try {
      if (KeptWeight.floor(result.workflow()) > maxBytes) {
        return; // its history alone is heavier than the bound: do not even build it
      }
      List<StepRecord> history = result.history();
      Throwable failure = result.failure().orElse(null);
      Map<UUID, String> uncommitted = cacheHits(result, history);
      long bytes = KeptWeight.of(result.info(), result.workflow(), history, failure)
          + KeptWeight.outputs(uncommitted);
      if (bytes > maxBytes) {
        return;
      }
      Kept entry = new Kept(result.info(), result.workflow(), result.duration(), history,
          failure, uncommitted, new AtomicBoolean(), bytes);
      synchronized (this) {
        Kept old = kept.put(runId, entry);
        weight += bytes - (old == null ? 0 : old.weight());
        Iterator<Map.Entry<UUID, Kept>> eldest = kept.entrySet().iterator();
        while ((kept.size() > maxRuns || weight > maxBytes) && eldest.hasNext()) {
          weight -= eldest.next().getValue().weight();
          eldest.remove();
        }
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      // The run has finished and is recorded; only the shortcut to its result is lost.
      LOG.debug("run {} is not kept in memory; its result is read from the journal: {}", runId,
          e.toString());
    }
  }

  /**
   * The kept result of a run (a new object whose values are read from the journal when first
   * asked for), or null.
   */
  RunResult kept(UUID runId) {
    Kept entry;
    synchronized (this) {
      entry = kept.get(runId);
    }
    if (entry == null) {
      return null;
    }
    List<StepRecord> history = entry.history();
    return new RunResult(entry.info(), entry.workflow(), entry.duration(), () -> history,
        new JournalValues(runId, journal, entry.workflow(), codec, entry.uncommitted(),
            entry.deleted()),
        entry.failure());
  }

  /**
   * The outputs of the steps answered from the step cache, which the journal does not hold, as
   * JSON arrays by step ID (usually none).
   */
  private Map<UUID, String> cacheHits(RunResult result, List<StepRecord> history) {
    Map<UUID, String> outputs = null;
    List<WorkflowStep> steps = result.workflow().steps();
    for (int s = 0; s < history.size() && s < steps.size(); s++) {
      StepRecord record = history.get(s);
      if (record.cacheHit() && record.status() == StepStatus.SUCCEEDED) {
        ArrayNode array = JournalJson.MAPPER.createArrayNode();
        for (Cell<?> cell : steps.get(s).outputCells()) {
          array.add(codec.toTree(result.get(cell)));
        }
        if (outputs == null) {
          outputs = new HashMap<>();
        }
        outputs.put(record.stepId(), array.toString());
      }
    }
    return outputs == null ? Map.of() : outputs;
  }

  /** The estimated bytes the kept results retain (for tests). */
  synchronized long weight() {
    return weight;
  }

  /** How many results are kept (for tests). */
  synchronized int size() {
    return kept.size();
  }

  /**
   * The result of a finished run read from the journal.
   *
   * @throws dev.fancy.journal.JournalException if its rows cannot be read
   */
  RunResult fromJournal(JournalRun run) {
    Workflow workflow = journal.loadWorkflow(run.workflowHash());
    RunHistory history = JournalHistory.of(journal, run, workflow);
    Instant end = run.finishedAt() != null ? run.finishedAt() : run.createdAt();
    return new RunResult(history.run(), workflow, Duration.between(run.createdAt(), end),
        history::steps, new JournalValues(run.runId(), journal, workflow, codec), null);
  }

  /**
   * Drops the kept result of a run deleted from the journal; the results it handed out lose
   * their values.
   */
  synchronized void forget(UUID runId) {
    Kept result = kept.remove(runId);
    if (result != null) {
      weight -= result.weight();
      result.deleted().set(true);
    }
  }

  /** Discards every kept result. */
  synchronized void clear() {
    kept.clear();
    weight = 0;
  }
}
