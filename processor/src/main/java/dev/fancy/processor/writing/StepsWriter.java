package dev.fancy.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import dev.fancy.processor.model.GeneratedNames;
import dev.fancy.processor.model.PortModel;
import dev.fancy.processor.model.StepClass;
import dev.fancy.processor.model.StepMethod;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Class>Steps}: one contract constant, one factory per step (plus overloads taking
 * constants for steps with up to {@value #MAX_CONSTANT_OVERLOAD_INPUTS} inputs), and one nested
 * {@code WorkflowStep} subclass per step with typed accessors for its inputs and outputs.
 */
public final class StepsWriter {

  /** Steps with more inputs get only the all-cells factory; use {@code Cell.constant}. */
  static final int MAX_CONSTANT_OVERLOAD_INPUTS = 3;

  private StepsWriter() {}

  /**
   * The factories file for {@code model}.
   *
   * @param originating the class the steps are declared in
   * @param generatedAvailable whether {@code javax.annotation.processing.Generated} exists
   */
  public static JavaFile write(StepClass model, Element originating, boolean generatedAvailable) {
    TypeSpec.Builder type = TypeSpec.classBuilder(model.stepsClass())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addOriginatingElement(originating)
        .addJavadoc("Typed factories for the {@code @Step} methods of {@link $T}.\n\n"
            + "<p>Calling a factory runs nothing: it returns a wired workflow step whose outputs "
            + "are new typed cells.\n", model.target());
    GeneratedAnnotation.addTo(type, generatedAvailable, model.target());
    for (StepMethod step : model.steps()) {
      type.addField(contractField(step));
    }
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (StepMethod step : model.steps()) {
      ClassName stepClass = model.stepsClass().nestedClass(GeneratedNames.stepClass(step.methodName()));
      for (List<Boolean> constants : constantCombinations(step)) {
        type.addMethod(factory(model, step, stepClass, constants));
      }
    }
    for (StepMethod step : model.steps()) {
      type.addType(stepClass(model, step));
    }
    return JavaFile.builder(model.stepsClass().packageName(), type.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  private static FieldSpec contractField(StepMethod step) {
    return FieldSpec.builder(RuntimeTypes.CONTRACT, GeneratedNames.contractConstant(step.methodName()),
            Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("Contract of {@code $L} version $L.\n", step.slug(), step.version())
        .initializer("$T.of(\n$>$L,\n$L$<)", RuntimeTypes.CONTRACT, ports(step.inputs()),
            ports(step.outputs()))
        .build();
  }

  private static CodeBlock ports(List<PortModel> ports) {
    if (ports.isEmpty()) {
      return CodeBlock.of("$T.of()", RuntimeTypes.LIST);
    }
    List<CodeBlock> blocks = new ArrayList<>();
    for (PortModel port : ports) {
      blocks.add(CodeBlock.of("new $T($S, $L, $T.$L)", RuntimeTypes.PORT, port.name(),
          valueType(port), RuntimeTypes.STORAGE_KIND, port.reference() ? "REFERENCE" : "VALUE"));
    }
    return CodeBlock.of("$T.of(\n$>$L$<)", RuntimeTypes.LIST, CodeBlock.join(blocks, ",\n"));
  }

  static CodeBlock valueType(PortModel port) {
    return CodeBlock.of("$T.<$T>of($T.class, $S)", RuntimeTypes.VALUE_TYPE, port.boxedType(),
        port.rawType(), port.canonicalName());
  }

  /** Each list says, per input, whether the overload takes a constant instead of a cell. */
  private static List<List<Boolean>> constantCombinations(StepMethod step) {
    int n = step.inputs().size();
    List<List<Boolean>> combinations = new ArrayList<>();
    int limit = n <= MAX_CONSTANT_OVERLOAD_INPUTS ? 1 << n : 1;
    for (int mask = 0; mask < limit; mask++) {
      List<Boolean> constants = new ArrayList<>(n);
      boolean valid = true;
      for (int i = 0; i < n; i++) {
        boolean constant = (mask & (1 << i)) != 0;
        // A constant of type Cell would erase like the cell overload: skip such combinations.
        valid &= !(constant && step.inputs().get(i).rawType().equals(RuntimeTypes.CELL));
        constants.add(constant);
      }
      if (valid) {
        combinations.add(constants);
      }
    }
    return combinations;
  }

  private static MethodSpec factory(
      StepClass model, StepMethod step, ClassName stepClass, List<Boolean> constants) {
    MethodSpec.Builder method = MethodSpec.methodBuilder(step.methodName())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(stepClass);
    method.addJavadoc("Wires step {@code $L} (version $L) calling {@link $T#$L}; runs nothing.\n",
        step.slug(), step.version(), model.target(), step.methodName());
    if (!step.description().isEmpty()) {
      method.addJavadoc("\n<p>$L\n", step.description().replace("*/", "*&#47;"));
    }
    List<CodeBlock> arguments = new ArrayList<>();
    for (int i = 0; i < step.inputs().size(); i++) {
      PortModel input = step.inputs().get(i);
      if (constants.get(i)) {
        method.addParameter(input.type(), input.name());
        method.addJavadoc("\n@param $L a constant, stored in the workflow as JSON", input.name());
        arguments.add(CodeBlock.of("$T.constant($S, $L, $L)", RuntimeTypes.CELL, input.name(),
            valueType(input), input.name()));
      } else {
        method.addParameter(cellOf(input), input.name());
        method.addJavadoc("\n@param $L the cell wired into input {@code $L}", input.name(),
            input.name());
        arguments.add(CodeBlock.of("$L", input.name()));
      }
    }
    method.addJavadoc("\n@return the workflow step; its accessors return the output cells\n");
    return method.addStatement("return new $T($L)", stepClass, CodeBlock.join(arguments, ", "))
        .build();
  }

  private static TypeName cellOf(PortModel input) {
    return ParameterizedTypeName.get(RuntimeTypes.CELL, WildcardTypeName.subtypeOf(input.boxedType()));
  }

  private static TypeSpec stepClass(StepClass model, StepMethod step) {
    ClassName self = model.stepsClass().nestedClass(GeneratedNames.stepClass(step.methodName()));
    TypeSpec.Builder type = TypeSpec.classBuilder(self)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .superclass(RuntimeTypes.WORKFLOW_STEP)
        .addJavadoc("A call of step {@code $L} (version $L) in a workflow.\n", step.slug(),
            step.version())
        .addField(FieldSpec.builder(String.class, "SLUG", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc("The step's slug.\n")
            .initializer("$S", step.slug()).build())
        .addField(FieldSpec.builder(int.class, "VERSION", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc("The step's version.\n")
            .initializer("$L", step.version()).build());
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE);
    List<CodeBlock> names = new ArrayList<>();
    for (PortModel input : step.inputs()) {
      constructor.addParameter(ParameterSpec.builder(cellOf(input), input.name()).build());
      names.add(CodeBlock.of("$L", input.name()));
    }
    type.addMethod(constructor
        .addStatement("super(SLUG, VERSION, $L$L)",
            GeneratedNames.contractConstant(step.methodName()),
            names.isEmpty() ? "" : CodeBlock.of(", $L", CodeBlock.join(names, ", ")))
        .build());
    for (int i = 0; i < step.inputs().size(); i++) {
      PortModel input = step.inputs().get(i);
      type.addMethod(MethodSpec.methodBuilder(input.name())
          .addModifiers(Modifier.PUBLIC)
          .returns(cellOf(input))
          .addJavadoc("The cell wired into input {@code $L}.\n", input.name())
          .addStatement("return typedInput($L)", i)
          .build());
    }
    for (int i = 0; i < step.outputs().size(); i++) {
      PortModel output = step.outputs().get(i);
      type.addMethod(MethodSpec.methodBuilder(output.name())
          .addModifiers(Modifier.PUBLIC)
          .returns(ParameterizedTypeName.get(RuntimeTypes.CELL, output.boxedType()))
          .addJavadoc("Output {@code $L}: a new $L cell of type {@code $L}.\n", output.name(),
              output.reference() ? "REFERENCE" : "VALUE", output.canonicalName())
          .addStatement("return typedOutput($L)", i)
          .build());
    }
    type.addMethod(MethodSpec.methodBuilder("options")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(RuntimeTypes.STEP_OPTIONS, "options")
        .returns(self)
        .addStatement("super.options(options)")
        .addStatement("return this")
        .build());
    type.addMethod(MethodSpec.methodBuilder("after")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(RuntimeTypes.WORKFLOW_STEP_ARRAY, "upstream")
        .varargs()
        .returns(self)
        .addStatement("super.after(upstream)")
        .addStatement("return this")
        .build());
    return type.build();
  }
}
