package dev.fancy.processor.validation;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;

/**
 * Rules across {@code @Step} methods: two methods of one class may not share a name (their
 * factories would clash), and no two methods of one compilation may share a slug. Keeps the slugs
 * seen in earlier rounds, so one instance serves a whole compilation.
 */
public final class StepClassValidator {

  private final Map<String, String> slugOwners = new HashMap<>();

  /** Adds the problems of one class's {@code @Step} methods to {@code report}. */
  public void validate(List<ExecutableElement> methods, ValidationReport report) {
    Set<String> names = new HashSet<>();
    for (ExecutableElement method : methods) {
      String description = StepMethodValidator.describe(method);
      if (!names.add(method.getSimpleName().toString())) {
        report.error(method, Message.DUPLICATE_METHOD_NAME, description,
            method.getEnclosingElement().getSimpleName());
      }
      StepAnnotation step = StepAnnotation.of(method);
      String owner = slugOwners.putIfAbsent(step.slug(), description);
      if (owner != null && !owner.equals(description)) {
        report.error(method, step.mirror(), step.value("slug"), Message.DUPLICATE_SLUG,
            step.slug(), description, owner);
      }
    }
  }
}
