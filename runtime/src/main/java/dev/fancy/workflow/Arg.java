package dev.fancy.workflow;

/**
 * An argument of a generated step factory: a {@link Cell}, or a constant made with
 * {@link #value}, whose type is the type of the parameter it is passed to (so generic constants
 * need no type token). Javac checks both against the parameter:
 *
 * <pre>{@code
 * EtlSteps.split(load.out(), Arg.value(0.8));      // a Cell<List<Row>> and a constant double
 * EtlSteps.split(load.out(), Arg.value("0.8"));    // does not compile
 * }</pre>
 *
 * @param <T> the type of the value
 */
public sealed interface Arg<T> permits Cell, Arg.Value {

  /**
   * A constant argument. When a factory binds it, it becomes a constant cell of the parameter's
   * type, named like the parameter, and its value is written into the workflow as JSON.
   *
   * @param value the value; null only for parameters of a reference type
   */
  static <T> Arg<T> value(T value) {
    return new Value<>(value);
  }

  /**
   * A constant argument not yet bound to a parameter.
   *
   * @param value the value, possibly null
   * @param <T> its type
   */
  record Value<T>(T value) implements Arg<T> {}
}
