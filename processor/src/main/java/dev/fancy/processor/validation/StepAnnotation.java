package dev.fancy.processor.validation;

import dev.fancy.annotations.Step;
import dev.fancy.processor.model.GeneratedNames;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * The {@code @Step} annotation of one method: its mirror (for error positions), the explicit
 * values, and the effective slug.
 *
 * @param mirror the annotation mirror on the method
 * @param slug the effective slug: explicit, or derived from class and method names
 * @param slugExplicit whether the slug was set explicitly
 * @param version the version
 * @param description the explicit description, or empty
 */
public record StepAnnotation(AnnotationMirror mirror, String slug, boolean slugExplicit,
    int version, String description) {

  /** Reads the annotation of {@code method}, which must carry {@code @Step}. */
  public static StepAnnotation of(ExecutableElement method) {
    Step step = method.getAnnotation(Step.class);
    AnnotationMirror mirror = method.getAnnotationMirrors().stream()
        .filter(m -> ((TypeElement) m.getAnnotationType().asElement()).getQualifiedName()
            .contentEquals(Step.class.getCanonicalName()))
        .findFirst().orElseThrow();
    boolean explicit = !step.slug().isEmpty();
    String slug = explicit ? step.slug() : GeneratedNames.defaultSlug(
        method.getEnclosingElement().getSimpleName().toString(),
        method.getSimpleName().toString());
    return new StepAnnotation(mirror, slug, explicit, step.version(), step.description());
  }

  /** The explicitly written value of {@code name}, or null when defaulted. */
  public AnnotationValue value(String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry
        : mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return entry.getValue();
      }
    }
    return null;
  }
}
