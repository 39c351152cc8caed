package dev.fancy.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import dev.fancy.annotations.WorkflowDefinition;
import dev.fancy.processor.model.GeneratedNames;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

/**
 * Writes {@code META-INF/services/dev.fancy.registry.WorkflowModule}, listing the generated
 * module of every class with {@code @WorkflowDefinition} methods, so that
 * {@code WorkflowRegistry.loadDefault()} finds them. Written as the step module index is (see
 * {@link StepModuleIndexProcessor}): once, in the last round, through the {@code Filer}, keeping
 * entries of an earlier build whose classes still exist; a named module compiled here must also
 * declare {@code provides dev.fancy.registry.WorkflowModule with ...} ({@link ProvidesCheck}).
 * Aggregating for Gradle.
 */
@AutoService(Processor.class)
public final class WorkflowModuleIndexProcessor extends AbstractProcessor {

  static final String SERVICE_FILE = "META-INF/services/" + GeneratedNames.WORKFLOW_MODULE;

  private final ServiceIndex index =
      new ServiceIndex(GeneratedNames.WORKFLOW_MODULE, "WorkflowRegistry.loadDefault()");
  private final ProvidesCheck provides = new ProvidesCheck(GeneratedNames.WORKFLOW_MODULE,
      "WorkflowRegistry.loadDefault()", "@WorkflowDefinition classes");

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
    provides.noteRoots(round.getRootElements());
    for (TypeElement type : WorkflowDefinitionProcessor.byClass(
        round.getElementsAnnotatedWith(WorkflowDefinition.class)).keySet()) {
      String module = GeneratedNames.workflowModuleClass(ClassName.get(type)).canonicalName();
      index.add(module, type);
      provides.add(processingEnv, type, module);
    }
    if (round.processingOver()) {
      index.writeIfAny(processingEnv);
      provides.report(processingEnv);
    }
    return false;
  }
}
