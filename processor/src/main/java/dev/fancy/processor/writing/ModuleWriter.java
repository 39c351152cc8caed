package dev.fancy.processor.writing;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.fancy.processor.model.GeneratedNames;
import dev.fancy.processor.model.OptionsModel;
import dev.fancy.processor.model.PortModel;
import dev.fancy.processor.model.StepClass;
import dev.fancy.processor.model.StepMethod;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Class>StepModule}: the {@code StepModule} that registers every step of a class
 * with its contract and an invoker that calls the method directly, with casts (no reflection).
 * Classes with instance steps get a module whose constructor takes the instance.
 */
public final class ModuleWriter {

  /** Step definitions per helper method of {@code steps()}. */
  static final int CHUNK = 250;

  private ModuleWriter() {}

  /**
   * The module file for {@code model}.
   *
   * @param originating the class the steps are declared in
   * @param generatedAvailable whether the code may carry {@code @javax.annotation.processing
   *     .Generated}: the type exists and the class's module reads it (GeneratedAnnotationCheck)
   */
  public static JavaFile write(StepClass model, Element originating, boolean generatedAvailable) {
    TypeSpec.Builder type = TypeSpec.classBuilder(model.moduleClass())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addSuperinterface(RuntimeTypes.STEP_MODULE)
        .addOriginatingElement(originating)
        .addJavadoc("Registers the {@code @Step} methods of {@link $T} with a step registry.\n",
            model.target());
    GeneratedAnnotation.addTo(type, generatedAvailable, model.target());
    if (model.hasInstanceSteps()) {
      type.addJavadoc("\n<p>Its instance steps run on the instance given to the constructor; "
          + "register it with {@code StepRegistry.register(new $T(instance))}.\n",
          model.moduleClass());
      type.addField(FieldSpec.builder(model.target(), "instance", Modifier.PRIVATE, Modifier.FINAL)
          .build());
      type.addMethod(MethodSpec.constructorBuilder()
          .addModifiers(Modifier.PUBLIC)
          .addJavadoc("Creates the module.\n\n@param instance the object whose instance steps run\n"
              + "@throws NullPointerException if {@code instance} is null\n")
          .addParameter(model.target(), "instance")
          .addStatement("this.instance = $T.requireNonNull(instance, $S)", RuntimeTypes.OBJECTS,
              "instance == null")
          .build());
    } else {
      type.addJavadoc("\n<p>Listed in {@code META-INF/services}, so {@code StepRegistry"
          + ".loadDefault()} finds it.\n");
      type.addMethod(MethodSpec.constructorBuilder()
          .addModifiers(Modifier.PUBLIC)
          .addJavadoc("Creates the module; called by {@link java.util.ServiceLoader}.\n")
          .build());
    }
    type.addMethod(MethodSpec.methodBuilder("apiVersion")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(int.class)
        .addJavadoc("The generated-code API version this module was generated for.\n")
        .addStatement("return $L", GeneratedNames.API_VERSION)
        .build());
    // Definitions are added by helper methods of at most CHUNK steps each, so that no method
    // outgrows the JVM's 64 KiB limit however many steps a class has.
    List<StepMethod> steps = model.steps();
    MethodSpec.Builder all = MethodSpec.methodBuilder("steps")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(ParameterizedTypeName.get(RuntimeTypes.LIST, RuntimeTypes.STEP_DEFINITION))
        .addStatement("$T<$T> steps = new $T<>($L)", RuntimeTypes.LIST,
            RuntimeTypes.STEP_DEFINITION, RuntimeTypes.ARRAY_LIST, steps.size());
    for (int first = 0, chunk = 0; first < steps.size(); first += CHUNK, chunk++) {
      String name = "addSteps" + chunk;
      all.addStatement("$L(steps)", name);
      MethodSpec.Builder add = MethodSpec.methodBuilder(name)
          .addModifiers(Modifier.PRIVATE)
          .addParameter(ParameterizedTypeName.get(RuntimeTypes.LIST,
              RuntimeTypes.STEP_DEFINITION), "steps");
      for (StepMethod step : steps.subList(first, Math.min(steps.size(), first + CHUNK))) {
        ClassName stepClass = StepsWriter.stepClassName(model, step);
        CodeBlock defaults = step.defaults().isEmpty() ? CodeBlock.of("")
            : CodeBlock.of(",\n$L", defaults(step.defaults()));
        add.addStatement("steps.add(new $T($T.SLUG, $T.VERSION, $S, $T.CONTRACT, "
                + "new Invoker($L)$L))", RuntimeTypes.STEP_DEFINITION, stepClass, stepClass,
            step.description(), stepClass, steps.indexOf(step), defaults);
      }
      type.addMethod(add.build());
    }
    type.addMethod(all.addStatement("return $T.copyOf(steps)", RuntimeTypes.LIST).build());
    type.addType(invokerClass(model));
    for (StepMethod step : model.steps()) {
      type.addMethod(invoker(model, step));
    }
    return JavaFile.builder(model.moduleClass().packageName(), type.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  /**
   * The invoker of every step: one class whose {@code invoke} switches on the step's index (in
   * chunks of {@value #CHUNK}, each a method of its own) to the step's invoker method. Cheaper to
   * compile and to load than one method reference per step.
   */
  private static TypeSpec invokerClass(StepClass model) {
    ClassName invoker = model.moduleClass().nestedClass("Invoker");
    MethodSpec.Builder invoke = MethodSpec.methodBuilder("invoke")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(RuntimeTypes.OBJECT_ARRAY)
        .addParameter(RuntimeTypes.FRAME, "frame")
        .addParameter(RuntimeTypes.OBJECT_ARRAY, "args")
        .addException(Exception.class)
        .beginControlFlow("switch (step / $L)", CHUNK);
    TypeSpec.Builder type = TypeSpec.classBuilder(invoker)
        .addModifiers(Modifier.PRIVATE, Modifier.FINAL)
        .addSuperinterface(RuntimeTypes.STEP_INVOKER)
        .addField(int.class, "step", Modifier.PRIVATE, Modifier.FINAL)
        .addMethod(MethodSpec.constructorBuilder()
            .addParameter(int.class, "step")
            .addStatement("this.step = step")
            .build());
    List<StepMethod> steps = model.steps();
    for (int first = 0, chunk = 0; first < steps.size(); first += CHUNK, chunk++) {
      invoke.addStatement("case $L: return invoke$L(frame, args)", chunk, chunk);
      MethodSpec.Builder method = MethodSpec.methodBuilder("invoke" + chunk)
          .addModifiers(Modifier.PRIVATE)
          .returns(RuntimeTypes.OBJECT_ARRAY)
          .addParameter(RuntimeTypes.FRAME, "frame")
          .addParameter(RuntimeTypes.OBJECT_ARRAY, "args")
          .addException(Exception.class)
          .beginControlFlow("switch (step)");
      for (int i = first; i < Math.min(steps.size(), first + CHUNK); i++) {
        method.addStatement("case $L: return $L(frame, args)", i, invokerName(steps.get(i)));
      }
      type.addMethod(method
          .addStatement("default: throw new $T(step)", AssertionError.class)
          .endControlFlow()
          .build());
    }
    type.addMethod(invoke
        .addStatement("default: throw new $T(step)", AssertionError.class)
        .endControlFlow()
        .build());
    return type.build();
  }

  /**
   * {@code StepOptions.DEFAULT.withRetry(...).withTimeout(...).withHeartbeatTimeout(...)
   * .withCache(true)}.
   */
  private static CodeBlock defaults(OptionsModel options) {
    CodeBlock.Builder code = CodeBlock.builder().add("$T.DEFAULT", RuntimeTypes.STEP_OPTIONS);
    OptionsModel.RetryModel retry = options.retry();
    if (retry != null) {
      code.add(".withRetry(new $T($L, $T.ofMillis($LL), $L, $T.ofMillis($LL), $L, $L, $L))",
          RuntimeTypes.RETRY_POLICY, retry.maxAttempts(), RuntimeTypes.DURATION,
          retry.initialBackoffMillis(), retry.multiplier(), RuntimeTypes.DURATION,
          retry.maxBackoffMillis(), retry.jitter(), names(retry.retryOn()),
          names(retry.neverRetryOn()));
    }
    if (options.timeoutNanos() != null) {
      code.add(".withTimeout($T.ofNanos($LL))", RuntimeTypes.DURATION, options.timeoutNanos());
    }
    if (options.heartbeatNanos() != null) {
      code.add(".withHeartbeatTimeout($T.ofNanos($LL))", RuntimeTypes.DURATION,
          options.heartbeatNanos());
    }
    if (options.cached()) {
      code.add(".withCache(true)");
    }
    return code.build();
  }

  private static CodeBlock names(List<String> names) {
    List<CodeBlock> literals = new ArrayList<>();
    for (String name : names) {
      literals.add(CodeBlock.of("$S", name));
    }
    return CodeBlock.of("$T.of($L)", RuntimeTypes.LIST, CodeBlock.join(literals, ", "));
  }

  private static String invokerName(StepMethod step) {
    return "invoke" + Character.toUpperCase(step.methodName().charAt(0))
        + step.methodName().substring(1);
  }

  private static MethodSpec invoker(StepClass model, StepMethod step) {
    MethodSpec.Builder method = MethodSpec.methodBuilder(invokerName(step))
        .addModifiers(Modifier.PRIVATE)
        .returns(RuntimeTypes.OBJECT_ARRAY)
        .addParameter(RuntimeTypes.FRAME, "frame")
        .addParameter(RuntimeTypes.OBJECT_ARRAY, "args")
        .addException(Exception.class);
    boolean unchecked = false;
    List<CodeBlock> arguments = new ArrayList<>();
    for (int i = 0; i < step.inputs().size(); i++) {
      TypeName type = step.inputs().get(i).boxedType();
      unchecked |= type instanceof ParameterizedTypeName;
      arguments.add(CodeBlock.of("($T) args[$L]", type, i));
    }
    if (step.frameIndex() >= 0) {
      arguments.add(step.frameIndex(), CodeBlock.of("frame"));
    }
    if (unchecked) {
      method.addAnnotation(AnnotationSpec.builder(SuppressWarnings.class)
          .addMember("value", "$S", "unchecked").build());
    }
    CodeBlock call = CodeBlock.of("$L.$L($L)",
        step.isStatic() ? CodeBlock.of("$T", model.target()) : CodeBlock.of("instance"),
        step.methodName(), CodeBlock.join(arguments, ", "));
    switch (step.shape()) {
      case NONE:
        method.addStatement("$L", call);
        method.addStatement("return new Object[0]");
        break;
      case SINGLE:
        method.addStatement("return new Object[] {$L}", call);
        break;
      case RECORD:
        method.addStatement("$T result = $L", step.returnType(), call);
        method.beginControlFlow("if (result == null)")
            .addStatement("throw new $T($S)", NullPointerException.class, "step " + step.slug()
                + " returned null instead of a " + step.returnType() + " record")
            .endControlFlow();
        List<CodeBlock> outputs = new ArrayList<>();
        for (PortModel output : step.outputs()) {
          outputs.add(CodeBlock.of("result.$L()", output.name()));
        }
        method.addStatement("return new Object[] {$L}", CodeBlock.join(outputs, ", "));
        break;
      default:
        throw new AssertionError(step.shape());
    }
    return method.build();
  }
}
