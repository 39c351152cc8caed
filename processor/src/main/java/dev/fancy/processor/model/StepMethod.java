package dev.fancy.processor.model;

import com.palantir.javapoet.TypeName;
import java.util.List;

/**
 * One {@code @Step} method, validated.
 *
 * @param methodName the method's name; also the factory's name
 * @param slug the step's slug (explicit or derived)
 * @param version the step's version, {@code >= 1}
 * @param description the explicit description or the Javadoc summary; may be empty
 * @param isStatic whether the method is static (else it is called on the module's instance)
 * @param inputs the parameters, in order
 * @param shape how the return value becomes outputs
 * @param returnType the declared return type
 * @param outputs the outputs, in declaration order
 * @param frameIndex the position of the {@code ExecutionFrame} parameter among the method's
 *     parameters, or -1 if it has none
 * @param defaults the default policies
 */
public record StepMethod(String methodName, String slug, int version, String description,
    boolean isStatic, List<PortModel> inputs, OutputShape shape, TypeName returnType,
    List<PortModel> outputs, int frameIndex, OptionsModel defaults) {

  /** Copies the lists. */
  public StepMethod {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }
}
