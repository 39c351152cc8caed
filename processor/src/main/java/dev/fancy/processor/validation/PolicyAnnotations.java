package dev.fancy.processor.validation;

import dev.fancy.annotations.Cached;
import dev.fancy.annotations.Retry;
import dev.fancy.annotations.Timeout;
import dev.fancy.processor.model.OptionsModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.MirroredTypesException;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/** Reads and checks a step's default policies: {@code @Retry}, {@code @Timeout}, {@code @Cached}. */
public final class PolicyAnnotations {
  private PolicyAnnotations() {}

  /**
   * Adds the problems of {@code method}'s policy annotations to {@code report}, each on the
   * annotation value that is wrong.
   */
  public static void validate(ExecutableElement method, ValidationReport report) {
    String name = StepMethodValidator.describe(method);
    Retry retry = method.getAnnotation(Retry.class);
    if (retry != null) {
      AnnotationMirror mirror = mirror(method, Retry.class);
      if (retry.maxAttempts() < 1) {
        retryError(method, mirror, "maxAttempts", report, name, "maxAttempts is "
            + retry.maxAttempts() + "; it must be at least 1");
      }
      if (retry.initialBackoffMillis() < 0) {
        retryError(method, mirror, "initialBackoffMillis", report, name,
            "initialBackoffMillis is " + retry.initialBackoffMillis() + "; a backoff cannot be "
                + "negative");
      } else if (retry.maxBackoffMillis() < 0) {
        retryError(method, mirror, "maxBackoffMillis", report, name, "maxBackoffMillis is "
            + retry.maxBackoffMillis() + "; a backoff cannot be negative");
      } else if (retry.maxBackoffMillis() < retry.initialBackoffMillis()) {
        retryError(method, mirror, value(mirror, "maxBackoffMillis") != null
                ? "maxBackoffMillis" : "initialBackoffMillis", report, name,
            "maxBackoffMillis " + retry.maxBackoffMillis() + " is shorter than "
                + "initialBackoffMillis " + retry.initialBackoffMillis());
      }
      if (!(retry.multiplier() >= 1)) {
        retryError(method, mirror, "multiplier", report, name, "multiplier is "
            + retry.multiplier() + "; it must be at least 1");
      }
      if (!(retry.jitter() >= 0 && retry.jitter() <= 1)) {
        retryError(method, mirror, "jitter", report, name, "jitter is " + retry.jitter()
            + "; it must be between 0 and 1");
      }
    }
    Timeout timeout = method.getAnnotation(Timeout.class);
    if (timeout != null && timeout.value() <= 0) {
      AnnotationMirror mirror = mirror(method, Timeout.class);
      report.error(method, mirror, value(mirror, "value"), Message.TIMEOUT_INVALID, name,
          timeout.value(), timeout.unit());
    }
    if (timeout != null && timeout.heartbeat() < 0) {
      AnnotationMirror mirror = mirror(method, Timeout.class);
      report.error(method, mirror, value(mirror, "heartbeat"), Message.HEARTBEAT_INVALID, name,
          timeout.heartbeat(), timeout.unit());
    }
  }

  private static void retryError(ExecutableElement method, AnnotationMirror mirror,
      String attribute, ValidationReport report, String name, String problem) {
    report.error(method, mirror, value(mirror, attribute), Message.RETRY_INVALID, name, problem);
  }

  /** The explicitly written value of {@code attribute}, or null when defaulted. */
  static AnnotationValue value(AnnotationMirror mirror, String attribute) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry
        : mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(attribute)) {
        return entry.getValue();
      }
    }
    return null;
  }

  /** The policies of a method that passed {@link #validate}. */
  public static OptionsModel read(ExecutableElement method, Elements elements) {
    Retry retry = method.getAnnotation(Retry.class);
    OptionsModel.RetryModel retryModel = null;
    if (retry != null) {
      retryModel = new OptionsModel.RetryModel(retry.maxAttempts(), retry.initialBackoffMillis(),
          retry.multiplier(), retry.maxBackoffMillis(), retry.jitter(),
          classNames(retry, true, elements), classNames(retry, false, elements));
    }
    Timeout timeout = method.getAnnotation(Timeout.class);
    return new OptionsModel(retryModel,
        timeout == null ? null : timeout.unit().toNanos(timeout.value()),
        timeout == null || timeout.heartbeat() == 0 ? null
            : timeout.unit().toNanos(timeout.heartbeat()),
        method.getAnnotation(Cached.class) != null);
  }

  private static List<String> classNames(Retry retry, boolean retryOn, Elements elements) {
    List<? extends TypeMirror> types;
    try {
      Class<?>[] classes = retryOn ? retry.retryOn() : retry.neverRetryOn();
      return java.util.Arrays.stream(classes).map(Class::getName).toList();
    } catch (MirroredTypesException e) {
      types = e.getTypeMirrors();
    }
    List<String> names = new ArrayList<>();
    for (TypeMirror type : types) {
      names.add(elements.getBinaryName((TypeElement) ((DeclaredType) type).asElement())
          .toString());
    }
    return names;
  }

  static AnnotationMirror mirror(javax.lang.model.element.Element method, Class<?> annotation) {
    return method.getAnnotationMirrors().stream()
        .filter(m -> ((TypeElement) m.getAnnotationType().asElement()).getQualifiedName()
            .contentEquals(annotation.getCanonicalName()))
        .findFirst().orElse(null);
  }
}
