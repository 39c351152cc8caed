package dev.fancy.processor.validation;

import dev.fancy.annotations.Cached;
import dev.fancy.annotations.Retry;
import dev.fancy.annotations.Timeout;
import dev.fancy.processor.model.OptionsModel;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.MirroredTypesException;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/** Reads and checks a step's default policies: {@code @Retry}, {@code @Timeout}, {@code @Cached}. */
public final class PolicyAnnotations {
  private PolicyAnnotations() {}

  /** Adds the problems of {@code method}'s policy annotations to {@code report}. */
  public static void validate(ExecutableElement method, ValidationReport report) {
    String name = StepMethodValidator.describe(method);
    Retry retry = method.getAnnotation(Retry.class);
    if (retry != null) {
      List<String> problems = new ArrayList<>();
      if (retry.maxAttempts() < 1) {
        problems.add("maxAttempts is " + retry.maxAttempts() + "; it must be at least 1");
      }
      if (retry.initialBackoffMillis() < 0 || retry.maxBackoffMillis() < 0) {
        problems.add("backoff cannot be negative");
      } else if (retry.maxBackoffMillis() < retry.initialBackoffMillis()) {
        problems.add("maxBackoffMillis " + retry.maxBackoffMillis()
            + " is shorter than initialBackoffMillis " + retry.initialBackoffMillis());
      }
      if (!(retry.multiplier() >= 1)) {
        problems.add("multiplier is " + retry.multiplier() + "; it must be at least 1");
      }
      if (!(retry.jitter() >= 0 && retry.jitter() <= 1)) {
        problems.add("jitter is " + retry.jitter() + "; it must be between 0 and 1");
      }
      for (String problem : problems) {
        report.error(method, mirror(method, Retry.class), null, Message.RETRY_INVALID, name,
            problem);
      }
    }
    Timeout timeout = method.getAnnotation(Timeout.class);
    if (timeout != null && timeout.value() <= 0) {
      report.error(method, mirror(method, Timeout.class), null, Message.TIMEOUT_INVALID, name,
          timeout.value(), timeout.unit());
    }
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

  private static AnnotationMirror mirror(ExecutableElement method, Class<?> annotation) {
    return method.getAnnotationMirrors().stream()
        .filter(m -> ((TypeElement) m.getAnnotationType().asElement()).getQualifiedName()
            .contentEquals(annotation.getCanonicalName()))
        .findFirst().orElse(null);
  }
}
