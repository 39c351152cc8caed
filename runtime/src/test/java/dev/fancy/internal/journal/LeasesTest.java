package dev.fancy.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.LogCapture;
import dev.fancy.fixtures.ManualClock;
import dev.fancy.fixtures.ManualTicker;
import dev.fancy.journal.JournalOptions;
import dev.fancy.run.RunStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** The heartbeat: which runs count as lost when a lease cannot be renewed. */
class LeasesTest {

  @TempDir
  Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T00:00:00Z"));
  private final ManualTicker ticker = new ManualTicker();

  private Lease create(JournalStore store, String owner) {
    UUID runId = UUID.randomUUID();
    return store.runTable().create(new RunTable.NewRun(runId, "hash", "workflow", "{}", "{}",
        "{}", Map.of()), owner, clock.instant().plusSeconds(30)).orElseThrow();
  }

  @Test
  void aRunThatEndedHereIsNotReportedLostButOneAnotherProcessClaimedIs() {
    try (JournalStore store = JournalStore.open(dir.resolve("journal.db"),
        JournalOptions.builder().clock(clock).build())) {
      Lease ended = create(store, "me");
      Lease taken = create(store, "me");
      // Both runs are still held when the heartbeat renews; "ended" has begun recording its end
      // (which commits before its execution completes), "taken" executes.
      List<UUID> lost = new ArrayList<>();
      Leases leases = new Leases(store, "me", Duration.ofSeconds(30), 1, ticker);
      leases.start(Duration.ofHours(1), () -> List.of(ended, taken),
          runId -> !runId.equals(ended.runId()), lost::add, () -> { });
      store.runTable().finish(ended, RunStatus.SUCCEEDED, null);
      clock.advance(Duration.ofSeconds(31));
      assertThat(store.runTable().claim(taken.runId(), "other", clock.instant().plusSeconds(30),
          false)).isPresent();

      try (LogCapture logs = LogCapture.of("dev.fancy.engine.DurableEngine")) {
        ticker.advance(Duration.ofSeconds(10)); // one heartbeat
        assertThat(logs.assertLogged(Level.WARN, "lost its lease to another process"))
            .singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains(taken.runId().toString()));
      }

      assertThat(lost).containsExactly(taken.runId());
      leases.close();
    }
  }
}
