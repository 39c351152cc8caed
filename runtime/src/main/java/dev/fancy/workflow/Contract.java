package dev.fancy.workflow;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A step's named, typed inputs and outputs: what a {@link WorkflowStep} must be wired with and what
 * it produces. Generated code builds one contract per {@code @Step} method.
 *
 * <p>An <em>open</em> side accepts any names and types, decided per workflow step; only Fancy's
 * built-in composite steps use it ({@link Composite}).
 *
 * @param inputs the inputs in parameter order
 * @param outputs the outputs in declaration order
 * @param openInputs whether the inputs are decided per workflow step
 * @param openOutputs whether the outputs are decided per workflow step
 */
public record Contract(
    List<Port> inputs, List<Port> outputs, boolean openInputs, boolean openOutputs) {

  /**
   * Validates and copies the contract.
   *
   * @throws NullPointerException if a list is null
   * @throws IllegalArgumentException if two inputs, or two outputs, share a name
   */
  public Contract {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    requireUnique(inputs, "input");
    requireUnique(outputs, "output");
  }

  /** A closed contract with these inputs and outputs. */
  public static Contract of(List<Port> inputs, List<Port> outputs) {
    return new Contract(inputs, outputs, false, false);
  }

  /** Names of {@link #inputs()}, in order. */
  public List<String> inputNames() {
    return inputs.stream().map(Port::name).toList();
  }

  /** Names of {@link #outputs()}, in order. */
  public List<String> outputNames() {
    return outputs.stream().map(Port::name).toList();
  }

  private static void requireUnique(List<Port> ports, String what) {
    Set<String> seen = new HashSet<>();
    for (Port port : ports) {
      Objects.requireNonNull(port, what + " port == null");
      if (!seen.add(port.name())) {
        throw new IllegalArgumentException("two " + what + "s are named '" + port.name() + "'");
      }
    }
  }
}
