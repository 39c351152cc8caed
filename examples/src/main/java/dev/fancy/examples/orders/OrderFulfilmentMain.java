package dev.fancy.examples.orders;

import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunPage;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Fulfils orders durably. Kill it at any moment and run it again: it resumes the unfinished
 * orders, and no step's effect is written twice.
 *
 * <p>Usage: {@code OrderFulfilmentMain [journal.db] [orders] [duration_seconds]
 * [fail_probability] [max_retries]} (defaults: {@code orders.db 20 0.05 0.2 3}).
 */
public final class OrderFulfilmentMain {

  private OrderFulfilmentMain() {}

  /** Entry point; see the class documentation. */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "orders.db");
    int orders = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Simulation simulation = new Simulation(args.length > 2 ? Double.parseDouble(args[2]) : 0.05,
        args.length > 3 ? Double.parseDouble(args[3]) : 0.2);
    int maxRetries = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    try (Journal journal = Journal.open(file)) {
      try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + journal.file())) {
        OrderWorkflow.createTables(connection);
      }
      OrderWorkflow fulfilment = new OrderWorkflow(maxRetries);
      try (DurableEngine engine = DurableEngine.builder(journal)
          .registry(StepRegistry.loadDefault()).lease(Duration.ofSeconds(2)).maxConcurrency(8)
          .open()) {
        int known = count(engine, RunQuery.builder().workflow(fulfilment.workflow.name()));
        if (known > 0) {
          System.out.println("resuming: " + count(engine, RunQuery.builder()
              .workflow(fulfilment.workflow.name()).status(RunStatus.RUNNING)) + " of " + known
              + " orders were unfinished");
        }
        List<UUID> runs = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
          int quantity = 1 + i % 3;
          Order order = new Order(String.format(Locale.ROOT, "A%04d", i + 1), "customer " + (i + 1),
              "SKU-" + (i % 5), quantity, Fulfilment.price(quantity));
          // One run ID per order: submitting again after a crash finds the run, not a new one.
          UUID runId = UUID.nameUUIDFromBytes(("order/" + order.id())
              .getBytes(StandardCharsets.UTF_8));
          runs.add(engine.start(fulfilment.workflow, fulfilment.inputs(order, simulation),
              RunOptions.builder().runId(runId).label("order", order.id()).build()).id());
        }
        for (UUID run : runs) {
          engine.handle(run).await(); // unfinished runs of a killed process are taken over meanwhile
        }
      }
      report(journal);
    }
  }

  /** How many runs match {@code query}, page by page. */
  private static int count(DurableEngine engine, RunQuery.Builder query) {
    RunQuery first = query.limit(RunQuery.MAX_LIMIT).build();
    RunPage page = engine.runs(first);
    int count = page.runs().size();
    while (page.next() != null) {
      page = engine.runs(first.after(page.next()));
      count += page.runs().size();
    }
    return count;
  }

  private static void report(Journal journal) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + journal.file());
        Statement statement = connection.createStatement()) {
      System.out.println("orders by status:");
      try (ResultSet row = statement.executeQuery(
          "SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status")) {
        while (row.next()) {
          System.out.printf(Locale.ROOT, "  %-10s %d%n", row.getString(1), row.getInt(2));
        }
      }
      try (ResultSet row = statement.executeQuery("SELECT COUNT(*), COUNT(DISTINCT order_id || "
          + "step), (SELECT COUNT(*) FROM attempts), (SELECT COUNT(*) FROM attempts WHERE "
          + "status = 'FAILED') FROM order_log")) {
        row.next();
        System.out.printf(Locale.ROOT, "effects written %d (distinct order steps %d); attempts "
            + "%d, of which failed and retried %d%n", row.getInt(1), row.getInt(2), row.getInt(3),
            row.getInt(4));
      }
      try (ResultSet row = statement.executeQuery(
          "SELECT status, COUNT(*) FROM runs GROUP BY status ORDER BY status")) {
        while (row.next()) {
          System.out.printf(Locale.ROOT, "runs %-10s %d%n", row.getString(1), row.getInt(2));
        }
      }
    }
  }
}
