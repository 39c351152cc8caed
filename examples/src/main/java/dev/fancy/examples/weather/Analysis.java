package dev.fancy.examples.weather;

/** An analysis the control-flow tour can route a station to. */
public enum Analysis {
  /** Rainfall on rainy days. */
  RAIN,
  /** Temperature on sunny days. */
  SUN
}
