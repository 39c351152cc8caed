package dev.fancy.examples.orders;

import dev.fancy.workflow.Cell;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/** Wires validate → reserve stock → charge payment → ship → notify, each retried. */
public final class OrderWorkflow {

  private OrderWorkflow() {}

  /**
   * The fulfilment workflow; each step makes up to {@code maxRetries + 1} attempts (the design's
   * {@code max_retries}); an invalid order is never retried.
   */
  public static Workflow build(int maxRetries) {
    Cell<Order> order = Cell.input("order", Order.class);
    Cell<Simulation> simulation = Cell.input("simulation", Simulation.class);
    StepOptions retried = StepOptions.DEFAULT.withRetry(new RetryPolicy(maxRetries + 1,
        Duration.ofMillis(20), 2, Duration.ofSeconds(1), 0.2, List.of(),
        List.of(IllegalArgumentException.class.getName())));
    var validate = FulfilmentSteps.validate(order, simulation);
    var reserve = FulfilmentSteps.reserveStock(validate.out(), simulation);
    var charge = FulfilmentSteps.chargePayment(validate.out(), reserve.out(), simulation);
    var ship = FulfilmentSteps.ship(validate.out(), charge.out(), simulation);
    var notify = FulfilmentSteps.notifyCustomer(validate.out(), ship.out(), simulation);
    for (WorkflowStep step : List.of(validate, reserve, charge, ship, notify)) {
      step.options(retried);
    }
    return Workflow.of("order-fulfilment", notify.out());
  }

  /** Creates the {@code orders} and {@code order_log} tables if they do not exist. */
  public static void createTables(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS orders (order_id TEXT PRIMARY KEY, "
          + "customer TEXT NOT NULL, status TEXT NOT NULL, reservation TEXT, payment TEXT, "
          + "charged TEXT, tracking TEXT)");
      statement.execute("CREATE TABLE IF NOT EXISTS order_log (order_id TEXT NOT NULL, "
          + "step TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE)");
    }
  }
}
