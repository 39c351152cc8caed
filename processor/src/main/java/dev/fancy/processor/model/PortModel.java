package dev.fancy.processor.model;

import com.palantir.javapoet.TypeName;

/**
 * One input (a parameter) or output (the return value or a record component) of a step.
 *
 * @param name the parameter, {@code out}, or the record component name
 * @param type the declared Java type (primitive types stay primitive)
 * @param rawType the erasure, boxed for primitives; used as {@code ValueType}'s class literal
 * @param canonicalName the runtime {@code ValueType} name, e.g. {@code java.util.List<a.B$C>}
 * @param reference whether the output is stored as a {@code REFERENCE} cell
 */
public record PortModel(
    String name, TypeName type, TypeName rawType, String canonicalName, boolean reference) {

  /** The type with primitives boxed, as used in {@code Cell<...>}. */
  public TypeName boxedType() {
    return type.box();
  }
}
