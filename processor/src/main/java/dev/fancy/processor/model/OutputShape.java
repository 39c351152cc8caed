package dev.fancy.processor.model;

/** How a step method's return value becomes output cells. */
public enum OutputShape {
  /** {@code void}: no outputs. */
  NONE,
  /** Any type other than a record: one output named {@code out}. */
  SINGLE,
  /** A record: one output per component, read through its accessor. */
  RECORD
}
