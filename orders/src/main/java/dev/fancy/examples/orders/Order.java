package dev.fancy.examples.orders;

import java.math.BigDecimal;

/**
 * An order to fulfil.
 *
 * @param id the order's ID
 * @param customer who ordered
 * @param sku the product
 * @param quantity how many, {@code >= 1}
 * @param amount the price in US dollars, {@code > 0}
 */
public record Order(String id, String customer, String sku, int quantity, BigDecimal amount) {}
