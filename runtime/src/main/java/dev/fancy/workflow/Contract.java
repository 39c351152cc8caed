package dev.fancy.workflow;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A step's named, typed inputs and outputs: what a {@link WorkflowStep} must be wired with and what
 * it produces. Generated code builds one contract per {@code @Step} method and shares it between
 * every workflow step that calls that method. Immutable; compared by content.
 *
 * <p>An <em>open</em> side accepts any names and types, decided per workflow step; only Fancy's
 * built-in composite steps use it ({@link Composite}).
 */
public final class Contract {

  private final List<Port> inputs;
  private final List<Port> outputs;
  private final boolean openInputs;
  private final boolean openOutputs;
  private final List<String> inputNames;
  private final List<String> outputNames;

  /**
   * Creates a contract.
   *
   * @param inputs the inputs in parameter order
   * @param outputs the outputs in declaration order
   * @param openInputs whether the inputs are decided per workflow step
   * @param openOutputs whether the outputs are decided per workflow step
   * @throws NullPointerException if a list or port is null
   * @throws IllegalArgumentException if two inputs, or two outputs, share a name
   */
  public Contract(List<Port> inputs, List<Port> outputs, boolean openInputs, boolean openOutputs) {
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.openInputs = openInputs;
    this.openOutputs = openOutputs;
    this.inputNames = names(this.inputs, "input");
    this.outputNames = names(this.outputs, "output");
  }

  /** A closed contract with these inputs and outputs. */
  public static Contract of(List<Port> inputs, List<Port> outputs) {
    return new Contract(inputs, outputs, false, false);
  }

  /** The inputs in parameter order. */
  public List<Port> inputs() {
    return inputs;
  }

  /** The outputs in declaration order. */
  public List<Port> outputs() {
    return outputs;
  }

  /** Whether the inputs are decided per workflow step. */
  public boolean openInputs() {
    return openInputs;
  }

  /** Whether the outputs are decided per workflow step. */
  public boolean openOutputs() {
    return openOutputs;
  }

  /** Names of {@link #inputs()}, in order. */
  public List<String> inputNames() {
    return inputNames;
  }

  /** Names of {@link #outputs()}, in order. */
  public List<String> outputNames() {
    return outputNames;
  }

  private static List<String> names(List<Port> ports, String what) {
    Set<String> seen = new HashSet<>();
    for (Port port : ports) {
      Objects.requireNonNull(port, what + " port == null");
      if (!seen.add(port.name())) {
        throw new IllegalArgumentException("two " + what + "s are named '" + port.name() + "'");
      }
    }
    return List.of(ports.stream().map(Port::name).toArray(String[]::new));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Contract other && inputs.equals(other.inputs)
        && outputs.equals(other.outputs) && openInputs == other.openInputs
        && openOutputs == other.openOutputs;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputs, outputs, openInputs, openOutputs);
  }

  @Override
  public String toString() {
    return "Contract[inputs=" + inputs + ", outputs=" + outputs
        + (openInputs ? ", open inputs" : "") + (openOutputs ? ", open outputs" : "") + "]";
  }
}
