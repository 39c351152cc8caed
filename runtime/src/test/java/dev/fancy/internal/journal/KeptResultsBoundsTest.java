package dev.fancy.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.fancy.fixtures.MathSteps;
import dev.fancy.frame.Usage;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import dev.fancy.journal.JournalOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which results the durable engine keeps: least recently used out, bounded by runs and bytes. */
class KeptResultsBoundsTest {

  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private final Workflow workflow = Workflow.of("kept",
      MathSteps.add(Cell.input("x", Integer.class), 1).out());
  private final AtomicInteger valueReads = new AtomicInteger();

  private RunResult result(UUID runId, Supplier<List<StepRecord>> history) {
    RunInfo info = new RunInfo(runId, "kept", RunStatus.SUCCEEDED, T0, T0, T0.plusSeconds(1),
        null, Map.of(), Usage.NONE);
    return new RunResult(info, workflow, Duration.ofSeconds(1), history, new RunResult.Values() {
      @Override
      public Object get(Cell<?> cell) {
        valueReads.incrementAndGet();
        return 0;
      }

      @Override
      public URI location(Cell<?> cell) {
        return URI.create("mem:/x");
      }

      @Override
      public boolean isAvailable(Cell<?> cell) {
        return true;
      }

      @Override
      public void discard() {}
    }, null);
  }

  private List<StepRecord> history() {
    WorkflowStep step = workflow.steps().get(0);
    return List.of(new StepRecord(step.id(), step.slug(), step.version(), StepStatus.SUCCEEDED,
        T0, T0, Duration.ZERO, null, List.of(), false, false, Usage.NONE, List.of()));
  }

  private RunResult result(UUID runId) {
    return result(runId, this::history);
  }

  private long weightOfOne() {
    KeptResults probe = new KeptResults(null, ValueCodec.defaults(), 10, Long.MAX_VALUE);
    probe.keep(UUID.randomUUID(), result(UUID.randomUUID()));
    return probe.weight();
  }

  @Test
  void theLeastRecentlyUsedResultIsDroppedFirst() {
    KeptResults kept = new KeptResults(null, ValueCodec.defaults(), 2, Long.MAX_VALUE);
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    UUID c = UUID.randomUUID();
    kept.keep(a, result(a));
    kept.keep(b, result(b));
    assertThat(kept.kept(a)).as("a, now the most recently used").isNotNull();
    kept.keep(c, result(c));
    assertThat(kept.kept(b)).as("b, the least recently used").isNull();
    assertThat(kept.kept(a)).isNotNull();
    assertThat(kept.kept(c)).isNotNull();
    assertThat(kept.size()).isEqualTo(2);
  }

  @Test
  void theEstimatedRetainedSizeStaysWithinItsBound() {
    long one = weightOfOne();
    assertThat(one).as("a one-step result's estimate").isBetween(1_000L, 10_000L);
    KeptResults kept = new KeptResults(null, ValueCodec.defaults(), 1_000, one * 5 / 2);
    List<UUID> runs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      UUID run = UUID.randomUUID();
      runs.add(run);
      kept.keep(run, result(run));
      assertThat(kept.weight()).isLessThanOrEqualTo(one * 5 / 2);
    }
    assertThat(kept.size()).isEqualTo(2);
    assertThat(kept.kept(runs.get(9))).isNotNull();
    assertThat(kept.kept(runs.get(8))).isNotNull();
  }

  @Test
  void aResultHeavierThanTheBoundOrThatCannotBeWeighedIsNotKeptAndNothingThrows() {
    KeptResults kept = new KeptResults(null, ValueCodec.defaults(), 10, 100);
    UUID heavy = UUID.randomUUID();
    assertThatCode(() -> kept.keep(heavy, result(heavy))).doesNotThrowAnyException();
    assertThat(kept.kept(heavy)).isNull();

    KeptResults roomy = new KeptResults(null, ValueCodec.defaults(), 10, Long.MAX_VALUE);
    UUID broken = UUID.randomUUID();
    assertThatCode(() -> roomy.keep(broken, result(broken, () -> {
      throw new IllegalStateException("no history");
    }))).doesNotThrowAnyException();
    assertThat(roomy.kept(broken)).isNull();
    assertThat(roomy.weight()).isZero();
  }

  @Test
  void aKeptResultHoldsNoValuesOfTheRunItWasMadeFrom(@TempDir Path dir) {
    try (JournalStore store = JournalStore.open(dir.resolve("journal.db"),
        JournalOptions.builder().build())) {
      KeptResults kept = new KeptResults(store, ValueCodec.defaults(), 10, Long.MAX_VALUE);
      UUID run = UUID.randomUUID();
      kept.keep(run, result(run));
      RunResult again = kept.kept(run);
      assertThat(again.history()).hasSize(1);
      assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(again.location(workflow.outputs().get(0)).getScheme())
          .as("values come from the journal").isEqualTo("journal");
      assertThat(valueReads).hasValue(0);
    }
  }
}
