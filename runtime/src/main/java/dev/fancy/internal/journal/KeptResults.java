package dev.fancy.internal.journal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunResult;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The results of runs this process finished, with their values in memory, up to a number of runs
 * and a total size (Caffeine's W-TinyLFU picks which to discard, and a discarded result drops its
 * values); and results read back from the journal for every other finished run, their values
 * decoded from the committed outputs on demand.
 */
final class KeptResults {

  /** A kept result and its weight in bytes. */
  private record Kept(RunResult result, int weight) {}

  private final JournalStore journal;
  private final ValueCodec codec;
  private final int maxRuns;
  private final long maxBytes;
  private final Cache<UUID, Kept> kept;

  KeptResults(JournalStore journal, ValueCodec codec, int maxRuns, long maxBytes) {
    this.journal = journal;
    this.codec = codec;
    this.maxRuns = maxRuns;
    this.maxBytes = maxBytes;
    this.kept = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((UUID run, Kept result) -> result.weight())
        .removalListener((UUID run, Kept result, RemovalCause cause) -> {
          if (result != null && cause.wasEvicted()) {
            result.result().discard();
          }
        })
        .executor(Runnable::run)
        .build();
  }

  /**
   * Keeps {@code result}, which weighs {@code bytes} (JSON characters of its outputs); each run
   * counts at least {@code maxBytes / maxRuns}, so neither bound is exceeded.
   */
  void keep(UUID runId, RunResult result, long bytes) {
    int floor = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBytes / maxRuns));
    kept.put(runId, new Kept(result, (int) Math.min(Integer.MAX_VALUE, Math.max(floor, bytes))));
  }

  /** The kept result of a run, or null. */
  RunResult kept(UUID runId) {
    Kept result = kept.getIfPresent(runId);
    return result == null ? null : result.result();
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

  /** Drops the kept result of a run, discarding its values. */
  void forget(UUID runId) {
    Kept result = kept.asMap().remove(runId);
    if (result != null) {
      result.result().discard();
    }
  }

  /** Discards every kept result. */
  void clear() {
    kept.invalidateAll();
  }
}
