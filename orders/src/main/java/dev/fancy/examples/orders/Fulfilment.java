package dev.fancy.examples.orders;

import dev.fancy.annotations.Step;
import dev.fancy.frame.ExecutionFrame;
import dev.fancy.journal.JournalEffects;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * The order fulfilment steps: validate → reserve stock → charge payment → ship → notify. Each step
 * simulates latency and transient failures, and writes its effect to the {@code orders} and
 * {@code order_log} tables through the journal's transactional effects, keyed by its idempotency
 * key: the effect commits with the step's result, so it happens exactly once even when the
 * process is killed and the step runs again.
 */
public final class Fulfilment {

  private Fulfilment() {}

  /**
   * Checks the order and records it as received.
   *
   * @throws IllegalArgumentException for an invalid order (never retried)
   */
  @Step(slug = "orders.validate", splitRecord = false)
  public static Order validate(Order order, Simulation simulation, ExecutionFrame frame)
      throws Exception {
    if (order.quantity() < 1 || order.amount().signum() <= 0) {
      throw new IllegalArgumentException("order " + order.id() + " has quantity "
          + order.quantity() + " and amount " + order.amount());
    }
    simulate(simulation, frame);
    effect(frame, order, "validate", "INSERT INTO orders (order_id, customer, status) "
        + "VALUES (?, ?, 'VALIDATED')", order.id(), order.customer());
    return order;
  }

  /** Reserves stock; returns the reservation ID. */
  @Step(slug = "orders.reserve_stock")
  public static String reserveStock(Order order, Simulation simulation, ExecutionFrame frame)
      throws Exception {
    simulate(simulation, frame);
    String reservation = "R-" + order.id();
    effect(frame, order, "reserve", "UPDATE orders SET status = 'RESERVED', reservation = ? "
        + "WHERE order_id = ?", reservation, order.id());
    return reservation;
  }

  /** Charges the payment; returns the payment ID. */
  @Step(slug = "orders.charge_payment")
  public static String chargePayment(Order order, String reservation, Simulation simulation,
      ExecutionFrame frame) throws Exception {
    simulate(simulation, frame);
    frame.usage().cost(order.amount());
    String payment = "P-" + order.id();
    effect(frame, order, "charge", "UPDATE orders SET status = 'CHARGED', payment = ?, "
        + "charged = ? WHERE order_id = ?", payment, order.amount().toPlainString(), order.id());
    return payment;
  }

  /** Ships the order; returns the tracking number. */
  @Step(slug = "orders.ship")
  public static String ship(Order order, String payment, Simulation simulation,
      ExecutionFrame frame) throws Exception {
    simulate(simulation, frame);
    String tracking = "T-" + order.id();
    effect(frame, order, "ship", "UPDATE orders SET status = 'SHIPPED', tracking = ? "
        + "WHERE order_id = ?", tracking, order.id());
    return tracking;
  }

  /** Notifies the customer; returns the message sent. */
  @Step(slug = "orders.notify")
  public static String notifyCustomer(Order order, String tracking, Simulation simulation,
      ExecutionFrame frame) throws Exception {
    simulate(simulation, frame);
    String message = "Dear " + order.customer() + ", order " + order.id() + " is on its way ("
        + tracking + ")";
    effect(frame, order, "notify", "UPDATE orders SET status = 'NOTIFIED' WHERE order_id = ?",
        order.id());
    return message;
  }

  /** Sleeps {@code durationSeconds}, then fails with {@code failProbability}. */
  private static void simulate(Simulation simulation, ExecutionFrame frame) throws Exception {
    Thread.sleep((long) (simulation.durationSeconds() * 1000));
    if (Math.random() < simulation.failProbability()) {
      throw new IOException("transient failure of " + frame.step().slug() + " (attempt "
          + frame.attempt() + ")");
    }
  }

  private static void effect(ExecutionFrame frame, Order order, String step, String sql,
      Object... parameters) {
    JournalEffects effects = frame.resources().get(JournalEffects.class);
    effects.stage(frame.idempotencyKey(), sql, parameters);
    effects.stage(frame.idempotencyKey(), "INSERT INTO order_log (order_id, step, "
        + "idempotency_key) VALUES (?, ?, ?)", order.id(), step, frame.idempotencyKey());
  }

  static BigDecimal price(int quantity) {
    return new BigDecimal("19.99").multiply(BigDecimal.valueOf(quantity));
  }
}
