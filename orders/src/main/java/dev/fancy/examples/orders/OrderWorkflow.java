package dev.fancy.examples.orders;

import dev.fancy.run.Inputs;
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

  /** The order to fulfil. */
  public final Cell<Order> order = Cell.input("order", Order.class);
  /** How the simulated payment, stock and carrier services fail. */
  public final Cell<Simulation> simulation = Cell.input("simulation", Simulation.class);
  /** The workflow, named {@code order-fulfilment}. */
  public final Workflow workflow;

  /**
   * Wires the fulfilment workflow; each step makes up to {@code maxRetries + 1} attempts (the
   * design's {@code max_retries}); an invalid order is never retried. Nothing runs.
   */
  public OrderWorkflow(int maxRetries) {
    StepOptions retried = StepOptions.DEFAULT.withRetry(RetryPolicy.exponential(maxRetries + 1,
        Duration.ofMillis(20)).neverRetryOn(IllegalArgumentException.class));
    var validate = FulfilmentSteps.validate(order, simulation);
    var reserve = FulfilmentSteps.reserveStock(validate.out(), simulation);
    var charge = FulfilmentSteps.chargePayment(validate.out(), reserve.out(), simulation);
    var ship = FulfilmentSteps.ship(validate.out(), charge.out(), simulation);
    var notify = FulfilmentSteps.notifyCustomer(validate.out(), ship.out(), simulation);
    for (WorkflowStep step : List.of(validate, reserve, charge, ship, notify)) {
      step.options(retried);
    }
    workflow = Workflow.of("order-fulfilment", notify);
  }

  /** The run inputs for one order. */
  public Inputs inputs(Order value, Simulation failures) {
    return Inputs.of(order, value).and(simulation, failures);
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
