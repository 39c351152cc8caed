package dev.fancy.engine;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.ManualClock;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.journal.Durability;
import dev.fancy.journal.JournalEffects;
import dev.fancy.journal.JournalOptions;
import dev.fancy.registry.StepRegistry;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Steps and helpers shared by the journal tests. {@code test.count} adds one and stages an effect
 * (a row in {@code effects}); {@code test.fragile} multiplies by ten unless {@link #broken};
 * {@code test.block} waits for {@link #release} (and counts down {@link #started}).
 */
final class JournalKit {

  final AtomicInteger executions = new AtomicInteger();
  final AtomicBoolean broken = new AtomicBoolean();
  final CountDownLatch started = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));

  StepRegistry registry() {
    return StepRegistry.empty()
        .register(Call.intStep("test.count", (frame, args) -> {
          executions.incrementAndGet();
          frame.resources().get(JournalEffects.class).stage(frame.idempotencyKey(),
              "INSERT INTO effects (step_key) VALUES (?)", frame.idempotencyKey());
          return new Object[] {(Integer) args[0] + 1};
        }))
        .register(Call.intStep("test.fragile", (frame, args) -> {
          executions.incrementAndGet();
          if (broken.get()) {
            throw new IllegalStateException("broken");
          }
          return new Object[] {(Integer) args[0] * 10};
        }))
        .register(Call.intStep("test.block", (frame, args) -> {
          started.countDown();
          if (!release.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
          return new Object[] {args[0]};
        }));
  }

  /** Opens (creating) the journal {@code file} with this kit's clock and an effects table. */
  Journal open(Path file) {
    return open(file, JournalOptions.builder().busyTimeout(Duration.ofSeconds(20)));
  }

  Journal open(Path file, JournalOptions.Builder options) {
    Journal journal = Journal.open(file, options.durability(Durability.NORMAL).clock(clock)
        .build());
    execute(journal.file(), "CREATE TABLE IF NOT EXISTS effects (step_key TEXT)");
    return journal;
  }

  static Workflow chain(String... slugs) {
    Cell<Integer> cell = Cell.input("x", Integer.class);
    for (String slug : slugs) {
      cell = new Call<Integer>(slug, Call.unary(MathSteps.INT), cell).out();
    }
    return Workflow.of("chain", cell);
  }

  static void execute(Path file, String sql) {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout=10000");
      statement.execute(sql);
    } catch (Exception e) {
      throw new IllegalStateException(sql, e);
    }
  }

  static long count(Path file, String sql) {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout=10000");
      try (ResultSet row = statement.executeQuery(sql)) {
        return row.next() ? row.getLong(1) : -1;
      }
    } catch (Exception e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
