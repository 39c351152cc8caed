package dev.fancy.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import dev.fancy.annotations.Step;
import dev.fancy.processor.model.GeneratedNames;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * Writes {@code META-INF/services/dev.fancy.registry.StepModule}, listing the generated module of
 * every class whose {@code @Step} methods are all static (modules of classes with instance steps
 * need their instance and are registered by hand). The file is written once, in the last round,
 * only through the {@code Filer}, with every contributing class as an originating element.
 * Entries of an earlier build that still name an existing class are kept, as AutoService does:
 * an incremental or IDE build compiles only some classes and must not drop the modules of the
 * others. On the module path that file is not read: a named module compiled here must declare
 * {@code provides dev.fancy.registry.StepModule with ...} for the same modules, which
 * {@link ProvidesCheck} verifies. Aggregating for Gradle, which is why it is a processor of its
 * own: {@link StepProcessor} stays isolating.
 */
@AutoService(Processor.class)
public final class StepModuleIndexProcessor extends AbstractProcessor {

  static final String SERVICE_FILE = "META-INF/services/" + GeneratedNames.STEP_MODULE;

  private final ServiceIndex index =
      new ServiceIndex(GeneratedNames.STEP_MODULE, "StepRegistry.loadDefault()");
  private final ProvidesCheck provides =
      new ProvidesCheck(GeneratedNames.STEP_MODULE, "StepRegistry.loadDefault()", "@Step classes");

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(Step.class.getCanonicalName());
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    provides.noteRoots(round.getRootElements());
    Map<TypeElement, List<ExecutableElement>> classes =
        StepElements.byClass(round.getElementsAnnotatedWith(Step.class));
    for (Map.Entry<TypeElement, List<ExecutableElement>> entry : classes.entrySet()) {
      boolean allStatic = entry.getValue().stream()
          .allMatch(m -> m.getModifiers().contains(Modifier.STATIC));
      if (allStatic) {
        String module = GeneratedNames.moduleClass(ClassName.get(entry.getKey())).canonicalName();
        index.add(module, entry.getKey());
        provides.add(processingEnv, entry.getKey(), module);
      }
    }
    if (round.processingOver()) {
      index.writeIfAny(processingEnv);
      provides.report(processingEnv);
    }
    return false;
  }
}
