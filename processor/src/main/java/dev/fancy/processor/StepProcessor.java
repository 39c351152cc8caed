package dev.fancy.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import dev.fancy.annotations.Cached;
import dev.fancy.annotations.Reference;
import dev.fancy.annotations.Retry;
import dev.fancy.annotations.Step;
import dev.fancy.annotations.Timeout;
import dev.fancy.processor.model.GeneratedNames;
import dev.fancy.processor.model.StepClass;
import dev.fancy.processor.validation.Message;
import dev.fancy.processor.validation.OrphanPolicyValidator;
import dev.fancy.processor.validation.OutputElements;
import dev.fancy.processor.validation.StepClassValidator;
import dev.fancy.processor.validation.StepMethodValidator;
import dev.fancy.processor.validation.TypeScan;
import dev.fancy.processor.validation.ValidationReport;
import dev.fancy.processor.writing.ModuleWriter;
import dev.fancy.processor.writing.StepsWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;

/**
 * Generates {@code <Class>Steps} and {@code <Class>StepModule} for every class with
 * {@code @Step} methods: validate, build an immutable model, write it with JavaPoet.
 *
 * <p>A class whose step signatures mention types not generated yet is deferred to the next round
 * by qualified name (as AutoValue and Dagger do). Errors are reported on the offending element and
 * annotation value; an unexpected exception becomes one error with its stack trace. Isolating for
 * Gradle: each generated file has exactly one originating element, the declaring class.
 */
@AutoService(Processor.class)
public final class StepProcessor extends AbstractProcessor {

  private final Set<String> deferred = new LinkedHashSet<>();
  private StepMethodValidator methodValidator;
  private StepClassValidator classValidator;
  private StepModelFactory models;
  private GeneratedAnnotationCheck generated;

  @Override
  public synchronized void init(ProcessingEnvironment environment) {
    super.init(environment);
    methodValidator = new StepMethodValidator(environment.getTypeUtils());
    classValidator = new StepClassValidator();
    models = new StepModelFactory(environment.getElementUtils(), environment.getTypeUtils());
    generated = new GeneratedAnnotationCheck(environment.getElementUtils());
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(Step.class.getCanonicalName(), Reference.class.getCanonicalName(),
        Retry.class.getCanonicalName(), Timeout.class.getCanonicalName(),
        Cached.class.getCanonicalName());
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Map<TypeElement, List<ExecutableElement>> classes = new LinkedHashMap<>();
    for (String name : deferred) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type != null) {
        classes.put(type, StepElements.methodsOf(type));
      }
    }
    deferred.clear();
    reportOrphanPolicies(round);
    classes.putAll(StepElements.byClass(round.getElementsAnnotatedWith(Step.class)));
    for (Map.Entry<TypeElement, List<ExecutableElement>> entry : classes.entrySet()) {
      try {
        process(entry.getKey(), entry.getValue(), round.processingOver());
      } catch (Throwable t) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
            Message.PROCESSOR_ERROR.format(entry.getKey().getQualifiedName(), trace),
            entry.getKey());
      }
    }
    return false;
  }

  private void reportOrphanPolicies(RoundEnvironment round) {
    ValidationReport report = new ValidationReport();
    OrphanPolicyValidator.validate(round::getElementsAnnotatedWith, report);
    report.printTo(processingEnv.getMessager());
  }

  private void process(TypeElement type, List<ExecutableElement> methods, boolean lastRound)
      throws IOException {
    ValidationReport report = new ValidationReport();
    String simpleName = type.getSimpleName().toString();
    if (simpleName.endsWith("Steps") && simpleName.length() > "Steps".length()) {
      report.warning(type, Message.STEPS_SUFFIX, simpleName,
          GeneratedNames.stepsClass(ClassName.get(type)).simpleName(),
          simpleName.substring(0, simpleName.length() - "Steps".length()));
    }
    for (ExecutableElement method : methods) {
      TypeMirror unresolved = unresolvedType(method);
      if (unresolved != null) {
        if (!lastRound) {
          deferred.add(type.getQualifiedName().toString());
          return;
        }
        report.error(method, Message.UNRESOLVED_TYPE, StepMethodValidator.describe(method),
            unresolved);
      }
    }
    if (report.isClean()) {
      for (ExecutableElement method : methods) {
        methodValidator.validate(method, report);
      }
      classValidator.validate(methods, report);
    }
    report.printTo(processingEnv.getMessager());
    if (!report.isClean()) {
      return;
    }
    StepClass model = models.create(type, methods);
    StepsWriter.write(model, type, generated.appliesTo(type)).writeTo(processingEnv.getFiler());
    ModuleWriter.write(model, type, generated.appliesTo(type)).writeTo(processingEnv.getFiler());
  }

  /** The first type in the method's signature (and split record's components) not yet known. */
  private TypeMirror unresolvedType(ExecutableElement method) {
    List<TypeMirror> types = new ArrayList<>();
    for (VariableElement parameter : method.getParameters()) {
      types.add(parameter.asType());
    }
    types.add(method.getReturnType());
    if (TypeScan.find(method.getReturnType(), t -> t.getKind() == TypeKind.ERROR) == null
        && OutputElements.splitsRecord(method)) {
      for (OutputElements.Output output
          : OutputElements.of(method, processingEnv.getTypeUtils()).outputs()) {
        types.add(output.type());
      }
    }
    for (TypeMirror type : types) {
      TypeMirror error = TypeScan.find(type, t -> t.getKind() == TypeKind.ERROR);
      if (error != null) {
        return error;
      }
    }
    return null;
  }
}
