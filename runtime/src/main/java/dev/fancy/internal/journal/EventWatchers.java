package dev.fancy.internal.journal;

import dev.fancy.run.RunEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who in this process wants a run's events as they commit to the journal, by run: a subscription
 * to a run executing here is handed each event when its transaction commits instead of reading
 * the journal on a timer. Events journaled by another process reach no one here; their readers
 * poll.
 *
 * <p>Thread-safe; {@link #committed} is a map lookup when no one watches the run.
 */
final class EventWatchers {

  private static final Logger LOG = LoggerFactory.getLogger(EventWatchers.class);

  private final ConcurrentHashMap<UUID, List<Consumer<RunEvent>>> byRun =
      new ConcurrentHashMap<>();

  /**
   * Calls {@code watcher} with each event of {@code runId} that commits from now on, on the
   * committing thread (so it must be quick), in no guaranteed order.
   *
   * @return what stops the calls (once is enough; again does nothing)
   */
  Runnable watch(UUID runId, Consumer<RunEvent> watcher) {
    byRun.compute(runId, (id, watchers) -> {
      List<Consumer<RunEvent>> more = watchers == null ? new ArrayList<>()
          : new ArrayList<>(watchers);
      more.add(watcher);
      return List.copyOf(more);
    });
    return () -> byRun.computeIfPresent(runId, (id, watchers) -> {
      List<Consumer<RunEvent>> fewer = new ArrayList<>(watchers);
      fewer.remove(watcher);
      return fewer.isEmpty() ? null : List.copyOf(fewer);
    });
  }

  /** Hands {@code event}, just committed, to its run's watchers; one that throws is logged. */
  void committed(RunEvent event) {
    List<Consumer<RunEvent>> watchers = byRun.get(event.runId());
    if (watchers == null) {
      return;
    }
    for (Consumer<RunEvent> watcher : watchers) {
      try {
        watcher.accept(event);
      } catch (RuntimeException e) {
        LOG.warn("a watcher of run {} failed on event {}", event.runId(), event.sequence(), e);
      }
    }
  }
}
