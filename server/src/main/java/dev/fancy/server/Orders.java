package dev.fancy.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.examples.orders.Order;
import dev.fancy.examples.orders.OrderWorkflow;
import dev.fancy.examples.orders.Simulation;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunNotFoundException;
import dev.fancy.run.RunOptions;
import dev.fancy.run.WorkflowEngine;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The tracker's order fulfilment on the orders module: each order is a durable run of
 * {@link OrderWorkflow} (validate, reserve stock, charge, ship, notify) whose effects commit
 * exactly once with the steps' results, in the {@code orders} and {@code order_log} tables of
 * the journal's file. The server keeps the order itself in its own {@code server_orders} table.
 */
final class Orders {
  /** The unit price of the simulated shop, per item. */
  static final BigDecimal UNIT_PRICE = new BigDecimal("19.99");
  /** The simulated services: 50 ms per step, 10% transient failures. */
  static final Simulation SIMULATION = new Simulation(0.05, 0.1);
  private static final Set<String> FIELDS = Set.of("customer", "sku", "quantity");

  private final WorkflowEngine engine;
  private final Catalog catalog;
  private final java.nio.file.Path file;
  private final OrderWorkflow fulfilment = new OrderWorkflow(3);

  /**
   * Creates the orders module's effect tables in {@code file} (the journal's), or keeps orders
   * off if {@code file} is null (an in-memory catalog has no journal to commit effects with).
   */
  Orders(WorkflowEngine engine, Catalog catalog, java.nio.file.Path file) {
    this.engine = engine;
    this.catalog = catalog;
    this.file = file;
    if (file != null) {
      try (Connection connection = DriverManager.getConnection("jdbc:sqlite:"
          + file.toAbsolutePath())) {
        OrderWorkflow.createTables(connection);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create the order tables in " + file, e);
      }
    }
  }

  /** Places an order from {@code body} and starts its fulfilment run. */
  ObjectNode place(JsonNode body) {
    if (file == null) {
      throw new ApiProblem(409, "orders-unavailable", "Orders unavailable", "orders need the "
          + "durable journal (their effects commit with the steps)", "start the server with "
          + "--journal", List.of());
    }
    List<ApiProblem.Error> errors = new ArrayList<>();
    if (!body.isObject()) {
      throw ApiProblem.invalid("invalid-order", "Invalid order", List.of(new ApiProblem.Error("",
          "an order must be a JSON object {customer, sku, quantity}")), null);
    }
    body.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) {
        errors.add(new ApiProblem.Error("/" + f, "unknown field '" + f + "'; the fields are "
            + new java.util.TreeSet<>(FIELDS)));
      }
    });
    String customer = text(body, "customer", errors);
    String sku = text(body, "sku", errors);
    JsonNode q = body.get("quantity");
    int quantity = 0;
    if (q == null || !q.isIntegralNumber() || q.asLong() < 1 || q.asLong() > 1000) {
      errors.add(new ApiProblem.Error("/quantity", "quantity must be a whole number from 1 to "
          + "1000"));
    } else {
      quantity = q.asInt();
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid("invalid-order", "Invalid order", errors,
          "send {\"customer\": \"Ada\", \"sku\": \"SKU-1\", \"quantity\": 2}");
    }
    String id = "O-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);
    BigDecimal amount = UNIT_PRICE.multiply(BigDecimal.valueOf(quantity));
    Order order = new Order(id, customer, sku, quantity, amount);
    UUID runId = UUID.nameUUIDFromBytes(("order/" + id).getBytes(StandardCharsets.UTF_8));
    Instant now = Instant.now();
    catalog.insertOrder(new Catalog.StoredOrder(id, customer, sku, quantity,
        amount.toPlainString(), runId.toString(), now));
    engine.start(fulfilment.workflow, fulfilment.inputs(order, SIMULATION),
        RunOptions.builder().runId(runId).label("order", id).build());
    return view(catalog.order(id).orElseThrow());
  }

  private static String text(JsonNode body, String field, List<ApiProblem.Error> errors) {
    JsonNode node = body.get(field);
    if (node == null || !node.isTextual() || node.asText().isBlank()
        || node.asText().length() > 200) {
      errors.add(new ApiProblem.Error("/" + field, field + " must be a string of 1 to 200 "
          + "characters"));
      return null;
    }
    return node.asText();
  }

  ObjectNode get(String id) {
    return view(catalog.order(id).orElseThrow(() -> ApiProblem.notFound("order", id)));
  }

  private ObjectNode view(Catalog.StoredOrder order) {
    ObjectNode node = Json.object();
    node.put("id", order.id());
    node.put("customer", order.customer());
    node.put("sku", order.sku());
    node.put("quantity", order.quantity());
    node.put("amount", new BigDecimal(order.amount()));
    String status = "PENDING";
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:"
        + file.toAbsolutePath());
        PreparedStatement p = connection.prepareStatement(
            "SELECT status FROM orders WHERE order_id = ?")) {
      p.setString(1, order.id());
      try (ResultSet rs = p.executeQuery()) {
        if (rs.next()) {
          status = rs.getString(1);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read order " + order.id(), e);
    }
    String runStatus = null;
    try {
      RunHandle run = engine.handle(UUID.fromString(order.runId()));
      runStatus = run.status().name();
      if (runStatus.equals("FAILED") || runStatus.equals("CANCELLED")) {
        status = runStatus;
      }
    } catch (RunNotFoundException e) {
      runStatus = null;
    }
    node.put("status", status);
    node.put("run_status", runStatus);
    node.put("run_id", order.runId());
    node.put("created_at", order.createdAt().toString());
    return node;
  }
}
