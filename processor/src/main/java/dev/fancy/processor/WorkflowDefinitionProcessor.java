package dev.fancy.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import dev.fancy.annotations.WorkflowDefinition;
import dev.fancy.processor.model.GeneratedNames;
import dev.fancy.processor.model.WorkflowClass;
import dev.fancy.processor.validation.Message;
import dev.fancy.processor.validation.ValidationReport;
import dev.fancy.processor.validation.WorkflowDefinitionValidator;
import dev.fancy.processor.writing.WorkflowModuleWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * Generates {@code <Class>WorkflowModule} for every class with {@code @WorkflowDefinition}
 * methods: validate ({@link WorkflowDefinitionValidator}), build an immutable model, write it
 * with JavaPoet. Isolating for Gradle: each generated file has exactly one originating element,
 * the declaring class; {@link WorkflowModuleIndexProcessor} lists the modules for
 * {@code ServiceLoader}.
 */
@AutoService(Processor.class)
public final class WorkflowDefinitionProcessor extends AbstractProcessor {

  private WorkflowDefinitionValidator validator;
  private GeneratedAnnotationCheck generated;

  @Override
  public synchronized void init(ProcessingEnvironment environment) {
    super.init(environment);
    validator = new WorkflowDefinitionValidator(environment.getTypeUtils(),
        environment.getElementUtils());
    generated = new GeneratedAnnotationCheck(environment.getElementUtils());
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(WorkflowDefinition.class.getCanonicalName());
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (Map.Entry<TypeElement, List<ExecutableElement>> entry
        : byClass(round.getElementsAnnotatedWith(WorkflowDefinition.class)).entrySet()) {
      try {
        process(entry.getKey(), entry.getValue());
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

  /** The {@code @WorkflowDefinition} methods among {@code annotated}, by declaring class. */
  static Map<TypeElement, List<ExecutableElement>> byClass(
      Iterable<? extends Element> annotated) {
    Map<TypeElement, List<ExecutableElement>> classes = new LinkedHashMap<>();
    for (Element element : annotated) {
      if (element.getKind() == ElementKind.METHOD
          && element.getEnclosingElement() instanceof TypeElement type) {
        classes.computeIfAbsent(type, t -> new ArrayList<>()).add((ExecutableElement) element);
      }
    }
    return classes;
  }

  private void process(TypeElement type, List<ExecutableElement> methods) throws IOException {
    ValidationReport report = new ValidationReport();
    for (ExecutableElement method : methods) {
      validator.validate(method, report);
    }
    report.printTo(processingEnv.getMessager());
    if (!report.isClean()) {
      return;
    }
    ClassName target = ClassName.get(type);
    List<WorkflowClass.Definition> definitions = new ArrayList<>();
    for (ExecutableElement method : methods) {
      definitions.add(new WorkflowClass.Definition(WorkflowDefinitionValidator.name(method),
          method.getSimpleName().toString()));
    }
    definitions.sort(Comparator.comparing(WorkflowClass.Definition::name));
    WorkflowClass model = new WorkflowClass(target,
        GeneratedNames.workflowModuleClass(target), definitions);
    WorkflowModuleWriter.write(model, type, generated.appliesTo(type))
        .writeTo(processingEnv.getFiler());
  }
}
