package dev.fancy.processor.validation;

import dev.fancy.annotations.Cached;
import dev.fancy.annotations.Reference;
import dev.fancy.annotations.Retry;
import dev.fancy.annotations.Step;
import dev.fancy.annotations.Timeout;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.function.Function;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;

/**
 * {@code @Retry}, {@code @Timeout}, {@code @Cached} and {@code @Reference} on a method without
 * {@code @Step} would silently do nothing: each is an error on the annotation.
 */
public final class OrphanPolicyValidator {
  private OrphanPolicyValidator() {}

  /** The annotations that only mean something on a {@code @Step} method. */
  public static final List<Class<? extends Annotation>> POLICIES =
      List.of(Retry.class, Timeout.class, Cached.class, Reference.class);

  /**
   * Adds an error for every method among the elements annotated with each policy that is no step.
   *
   * @param annotatedWith the elements of this round annotated with a given policy annotation
   */
  public static void validate(
      Function<Class<? extends Annotation>, Iterable<? extends Element>> annotatedWith,
      ValidationReport report) {
    for (Class<? extends Annotation> policy : POLICIES) {
      for (Element element : annotatedWith.apply(policy)) {
        if (element.getKind() == ElementKind.METHOD && element.getAnnotation(Step.class) == null
            && !isRecordAccessor(element)) {
          report.error(element, PolicyAnnotations.mirror(element, policy), null,
              Message.ORPHAN_POLICY, policy.getSimpleName(),
              element.getEnclosingElement().getSimpleName() + "." + element.getSimpleName(),
              policy.getSimpleName());
        }
      }
    }
  }

  /** A record component's {@code @Reference} is copied to its accessor, where it is in place. */
  private static boolean isRecordAccessor(Element method) {
    Element owner = method.getEnclosingElement();
    return owner.getKind() == ElementKind.RECORD
        && ((javax.lang.model.element.TypeElement) owner).getRecordComponents().stream()
            .anyMatch(component -> method.equals(component.getAccessor()));
  }
}
