package dev.fancy.processor.validation;

import com.palantir.javapoet.ClassName;
import dev.fancy.processor.model.GeneratedNames;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Rules across {@code @Step} methods: two methods of one class may not share a name (their
 * factories would clash) nor generate step classes whose names are equal ignoring case (their
 * class files, {@code <Class>Steps$<Method>Step.class}, would overwrite each other on a
 * case-insensitive file system such as macOS's or Windows's default), and no two methods of one
 * compilation may share a slug and version (one slug may have several versions). Keeps the slugs
 * seen in earlier rounds, so one instance serves a whole compilation.
 */
public final class StepClassValidator {

  private final Map<String, String> slugOwners = new HashMap<>();

  /** Adds the problems of one class's {@code @Step} methods to {@code report}. */
  public void validate(List<ExecutableElement> methods, ValidationReport report) {
    Set<String> names = new HashSet<>();
    Map<String, Map.Entry<String, String>> stepClasses = new HashMap<>();
    for (ExecutableElement method : methods) {
      String description = StepMethodValidator.describe(method);
      String name = method.getSimpleName().toString();
      if (!names.add(name)) {
        report.error(method, Message.DUPLICATE_METHOD_NAME, description,
            method.getEnclosingElement().getSimpleName());
        continue;
      }
      String stepClass = GeneratedNames.stepClass(name);
      Map.Entry<String, String> other = stepClasses.putIfAbsent(
          stepClass.toLowerCase(Locale.ROOT), Map.entry(stepClass, description));
      if (other != null && other.getKey().equals(stepClass)) {
        report.error(method, Message.STEP_CLASS_CLASH, other.getValue(), description, stepClass);
      } else if (other != null) {
        String steps = GeneratedNames.stepsClass(
            ClassName.get((TypeElement) method.getEnclosingElement())).simpleName();
        report.error(method, Message.STEP_CLASS_CASE_CLASH, other.getValue(), description,
            steps + "." + other.getKey(), steps + "." + stepClass);
      }
      StepAnnotation step = StepAnnotation.of(method);
      String key = step.slug() + "@" + step.version();
      String owner = slugOwners.putIfAbsent(key, description);
      if (owner != null && !owner.equals(description)) {
        report.error(method, step.mirror(), step.value("slug") != null ? step.value("slug")
                : step.value("version"), Message.DUPLICATE_SLUG, step.slug(), step.version(),
            description, owner);
      }
    }
  }
}
