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
 * Writes {@code <Class>Steps}: one factory per step, and one nested {@code WorkflowStep} subclass
 * per step with a typed accessor per output and its own constants (slug, version, contract,
 * origin). There are no accessors of the inputs (the caller has the cells it passed; the generic
 * {@code inputCell(name)} reaches them): their wildcard types cost a quarter of the generated
 * code's compile time. Factories take {@code Arg<? extends T>} per input: a cell, or a constant made
 * with {@code Arg.value(...)} that takes the input's type. The code is linear in the number of
 * steps and parameters, and each step's contract is built only when its class is first used.
 */
public final class StepsWriter {

  private StepsWriter() {}

  /**
   * The factories file for {@code model}.
   *
   * @param originating the class the steps are declared in
   * @param generatedAvailable whether the code may carry {@code @javax.annotation.processing
   *     .Generated}: the type exists and the class's module reads it (GeneratedAnnotationCheck)
   */
  public static JavaFile write(StepClass model, Element originating, boolean generatedAvailable) {
    TypeSpec.Builder type = TypeSpec.classBuilder(model.stepsClass())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addOriginatingElement(originating)
        .addJavadoc("Typed factories for the {@code @Step} methods of {@link $T}.\n\n"
            + "<p>Calling a factory runs nothing: it returns a wired workflow step whose outputs "
            + "are new typed cells. Pass each input a cell, or a constant with "
            + "{@code Arg.value(...)}.\n", model.target());
    GeneratedAnnotation.addTo(type, generatedAvailable, model.target());
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (StepMethod step : model.steps()) {
      type.addMethod(factory(model, step));
    }
    for (StepMethod step : model.steps()) {
      type.addType(stepClass(model, step));
    }
    return JavaFile.builder(model.stepsClass().packageName(), type.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  /** The nested workflow step class of {@code step}. */
  static ClassName stepClassName(StepClass model, StepMethod step) {
    return model.stepsClass().nestedClass(GeneratedNames.stepClass(step.methodName()));
  }

  private static CodeBlock ports(List<PortModel> ports) {
    List<CodeBlock> blocks = new ArrayList<>();
    for (PortModel port : ports) {
      blocks.add(CodeBlock.of("$T.port($S, $T.class, $S, $L)", RuntimeTypes.GENERATED_CODE,
          port.name(), port.rawType(), port.canonicalName(), port.reference()));
    }
    return blocks.isEmpty() ? CodeBlock.of("new $T[0]", RuntimeTypes.PORT)
        : CodeBlock.of("new $T[] {\n$>$L$<}", RuntimeTypes.PORT, CodeBlock.join(blocks, ",\n"));
  }

  private static TypeName argOf(PortModel input) {
    return ParameterizedTypeName.get(RuntimeTypes.ARG, WildcardTypeName.subtypeOf(input.boxedType()));
  }

  private static MethodSpec factory(StepClass model, StepMethod step) {
    ClassName stepClass = stepClassName(model, step);
    MethodSpec.Builder method = MethodSpec.methodBuilder(step.methodName())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(stepClass);
    method.addJavadoc("Wires step {@code $L} (version $L) calling {@link $T#$L}; runs nothing.\n",
        step.slug(), step.version(), model.target(), step.methodName());
    if (!step.description().isEmpty()) {
      method.addJavadoc("\n<p>$L\n", step.description().replace("*/", "*&#47;"));
    }
    if (!step.inputs().isEmpty()) {
      method.addJavadoc("\n");
    }
    List<CodeBlock> arguments = new ArrayList<>();
    for (PortModel input : step.inputs()) {
      method.addParameter(ParameterSpec.builder(argOf(input), input.name()).build());
      method.addJavadoc("@param $L a cell, or a constant {@code Arg.value(...)}, for input "
          + "{@code $L}\n", input.name(), input.name());
      arguments.add(CodeBlock.of("$L", input.name()));
    }
    method.addJavadoc("@return the workflow step; its accessors return the output cells\n");
    return method.addStatement("return new $T($L)", stepClass, CodeBlock.join(arguments, ", "))
        .build();
  }

  private static TypeSpec stepClass(StepClass model, StepMethod step) {
    ClassName self = stepClassName(model, step);
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
            .initializer("$L", step.version()).build())
        .addField(FieldSpec.builder(RuntimeTypes.CONTRACT, "CONTRACT", Modifier.STATIC,
                Modifier.FINAL)
            .initializer("$T.contract(\n$>$L,\n$L$<)", RuntimeTypes.GENERATED_CODE,
                ports(step.inputs()), ports(step.outputs()))
            .build())
        .addField(FieldSpec.builder(RuntimeTypes.STEP_ORIGIN, "ORIGIN", Modifier.STATIC,
                Modifier.FINAL)
            .initializer("new $T($S, $L)", RuntimeTypes.STEP_ORIGIN,
                model.moduleClass().reflectionName(), model.hasInstanceSteps())
            .build());
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE);
    List<CodeBlock> names = new ArrayList<>();
    for (PortModel input : step.inputs()) {
      constructor.addParameter(ParameterSpec.builder(argOf(input), input.name()).build());
      names.add(CodeBlock.of("$L", input.name()));
    }
    // Qualified, so that no input name can shadow a constant.
    type.addMethod(constructor
        .addStatement("super($T.SLUG, $T.VERSION, $T.CONTRACT, $T.ORIGIN$L)", self, self, self,
            self, names.isEmpty() ? "" : CodeBlock.of(", $L", CodeBlock.join(names, ", ")))
        .build());
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
    type.addMethod(MethodSpec.methodBuilder("named")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(String.class, "name")
        .returns(self)
        .addStatement("super.named(name)")
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
