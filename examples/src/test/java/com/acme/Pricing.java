package com.acme;

import dev.fancy.annotations.Step;

/** Instance steps: the generated module takes the instance, so ServiceLoader cannot create it. */
public final class Pricing {
  private final double rate;

  public Pricing(double rate) {
    this.rate = rate;
  }

  @Step(slug = "pricing.quote")
  public double quote(double amount) {
    return amount * rate;
  }
}
