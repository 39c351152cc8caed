package dev.fancy.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.journal.Durability;
import dev.fancy.journal.JournalOptions;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable order fulfilment example: effects exactly once, failures retried or reported. */
class OrderFulfilmentTest {

  @TempDir
  Path temp;

  private Map<UUID, RunStatus> fulfil(int orders, Simulation simulation, int maxRetries)
      throws Exception {
    Path file = temp.resolve("orders.db");
    Map<UUID, RunStatus> outcome = new HashMap<>();
    try (Journal journal = Journal.open(file, JournalOptions.builder()
        .durability(Durability.NORMAL).build())) {
      try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
        OrderWorkflow.createTables(connection);
      }
      OrderWorkflow fulfilment = new OrderWorkflow(maxRetries);
      try (DurableEngine engine = DurableEngine.builder(journal)
          .registry(StepRegistry.loadDefault()).lease(Duration.ofSeconds(5)).maxConcurrency(4)
          .open()) {
        List<UUID> runs = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
          runs.add(engine.start(fulfilment.workflow, fulfilment.inputs(new Order("A" + i,
              "c" + i, "SKU", 1 + i % 2, Fulfilment.price(1 + i % 2)), simulation),
              RunOptions.builder().label("order", "A" + i).build()).id());
        }
        for (UUID run : runs) {
          outcome.put(run, engine.handle(run).await());
        }
        for (UUID run : runs) {
          RunHistory history = engine.handle(run).history();
          long succeededSteps = history.steps().stream()
              .filter(step -> step.status() == StepStatus.SUCCEEDED).count();
          String orderId = history.run().labels().get("order");
          assertThat(count(file, "SELECT COUNT(*) FROM order_log WHERE order_id = '" + orderId
              + "'")).as("effects of order %s", orderId).isEqualTo(succeededSteps);
          if (outcome.get(run) == RunStatus.SUCCEEDED) {
            assertThat(status(file, orderId)).isEqualTo("NOTIFIED");
            assertThat(history.steps()).extracting(StepRecord::status)
                .containsOnly(StepStatus.SUCCEEDED);
          }
        }
      }
    }
    return outcome;
  }

  private static long count(Path file, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      return row.next() ? row.getLong(1) : -1;
    }
  }

  private static String status(Path file, String orderId) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(
            "SELECT status FROM orders WHERE order_id = '" + orderId + "'")) {
      return row.next() ? row.getString(1) : null;
    }
  }

  @Test
  void withoutFailuresEveryOrderIsFulfilledWithEachEffectOnce() throws Exception {
    Map<UUID, RunStatus> outcome = fulfil(6, new Simulation(0.001, 0), 0);
    assertThat(outcome.values()).containsOnly(RunStatus.SUCCEEDED);
    assertThat(count(temp.resolve("orders.db"), "SELECT COUNT(*) FROM order_log")).isEqualTo(30);
    assertThat(count(temp.resolve("orders.db"), "SELECT COUNT(*) FROM orders WHERE status = "
        + "'NOTIFIED' AND charged IS NOT NULL")).isEqualTo(6);
  }

  @Test
  void transientFailuresAreRetriedAndEffectsStayExactlyOnce() throws Exception {
    Map<UUID, RunStatus> outcome = fulfil(10, new Simulation(0.001, 0.5), 2);
    Path file = temp.resolve("orders.db");
    assertThat(count(file, "SELECT COUNT(*) FROM attempts WHERE status = 'FAILED'"))
        .isPositive();
    assertThat(count(file, "SELECT COUNT(*) FROM order_log"))
        .isEqualTo(count(file, "SELECT COUNT(DISTINCT order_id || step) FROM order_log"));
    assertThat(outcome.values()).allMatch(s -> s == RunStatus.SUCCEEDED || s == RunStatus.FAILED);
  }
}
