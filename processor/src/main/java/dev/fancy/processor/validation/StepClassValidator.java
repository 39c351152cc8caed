package dev.fancy.processor.validation;

import dev.fancy.processor.model.GeneratedNames;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;

/**
 * Rules across {@code @Step} methods: two methods of one class may not share a name (their
 * factories would clash) nor generate the same step class, and no two methods of one compilation
 * may share a slug and version (one slug may have several versions). Keeps the slugs seen in
 * earlier rounds, so one instance serves a whole compilation.
 */
public final class StepClassValidator {

  private final Map<String, String> slugOwners = new HashMap<>();

  /** Adds the problems of one class's {@code @Step} methods to {@code report}. */
  public void validate(List<ExecutableElement> methods, ValidationReport report) {
    Set<String> names = new HashSet<>();
    Map<String, String> stepClasses = new HashMap<>();
    for (ExecutableElement method : methods) {
      String description = StepMethodValidator.describe(method);
      String name = method.getSimpleName().toString();
      if (!names.add(name)) {
        report.error(method, Message.DUPLICATE_METHOD_NAME, description,
            method.getEnclosingElement().getSimpleName());
        continue;
      }
      String stepClass = GeneratedNames.stepClass(name);
      String other = stepClasses.putIfAbsent(stepClass, description);
      if (other != null) {
        report.error(method, Message.STEP_CLASS_CLASH, other, description, stepClass);
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
