package dev.fancy.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import dev.fancy.annotations.Step;
import dev.fancy.processor.model.GeneratedNames;
import dev.fancy.processor.validation.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Writes {@code META-INF/services/dev.fancy.registry.StepModule}, listing the generated module of
 * every class whose {@code @Step} methods are all static (modules of classes with instance steps
 * need their instance and are registered by hand). The file is written once, in the last round,
 * only through the {@code Filer}, with every contributing class as an originating element.
 * Entries of an earlier build that still name an existing class are kept, as AutoService does:
 * an incremental or IDE build compiles only some classes and must not drop the modules of the
 * others. Aggregating for Gradle, which is why it is a processor of its own: {@link StepProcessor}
 * stays isolating.
 */
@AutoService(Processor.class)
public final class StepModuleIndexProcessor extends AbstractProcessor {

  static final String SERVICE_FILE = "META-INF/services/" + GeneratedNames.STEP_MODULE;

  private final Set<String> modules = new TreeSet<>();
  private final List<Element> originating = new ArrayList<>();

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
    Map<TypeElement, List<ExecutableElement>> classes =
        StepElements.byClass(round.getElementsAnnotatedWith(Step.class));
    for (Map.Entry<TypeElement, List<ExecutableElement>> entry : classes.entrySet()) {
      boolean allStatic = entry.getValue().stream()
          .allMatch(m -> m.getModifiers().contains(Modifier.STATIC));
      if (allStatic && modules.add(
          GeneratedNames.moduleClass(ClassName.get(entry.getKey())).canonicalName())) {
        originating.add(entry.getKey());
      }
    }
    if (round.processingOver() && !modules.isEmpty()) {
      write();
    }
    return false;
  }

  /** The entries of the service file of an earlier build whose classes still exist. */
  private Set<String> existingEntries() {
    Set<String> entries = new TreeSet<>();
    try {
      FileObject existing = processingEnv.getFiler().getResource(StandardLocation.CLASS_OUTPUT,
          "", SERVICE_FILE);
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(
          existing.openInputStream(), StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          String entry = line.replaceAll("#.*", "").trim();
          if (!entry.isEmpty() && processingEnv.getElementUtils().getTypeElement(entry) != null) {
            entries.add(entry);
          }
        }
      }
    } catch (IOException | IllegalArgumentException noEarlierFile) {
      // first build: nothing to keep
    }
    return entries;
  }

  private void write() {
    modules.addAll(existingEntries());
    try {
      FileObject file = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "",
          SERVICE_FILE, originating.toArray(new Element[0]));
      try (Writer writer = new OutputStreamWriter(file.openOutputStream(), StandardCharsets.UTF_8)) {
        for (String module : modules) {
          writer.write(module);
          writer.write('\n');
        }
      }
    } catch (IOException e) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          Message.SERVICE_FILE_NOT_WRITTEN.format(SERVICE_FILE, e.getMessage()));
    }
  }
}
