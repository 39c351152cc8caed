package dev.fancy.processor.validation;

import dev.fancy.annotations.Reference;
import dev.fancy.processor.model.GeneratedNames;
import dev.fancy.processor.model.OutputShape;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Checks one {@code @Step} method on its own: visibility and nesting of the method and its class,
 * type parameters and type variables, private types, slug shape, version, output shape and
 * accessor names. Rules across methods live in {@link StepClassValidator}.
 */
public final class StepMethodValidator {

  /** Same shape as the runtime's slug check ({@code StepIdentity.checkSlug}). */
  static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

  private final Types types;

  /** Creates a validator using the compiler's type utilities. */
  public StepMethodValidator(Types types) {
    this.types = types;
  }

  /** Adds every problem of {@code method} to {@code report}. */
  public void validate(ExecutableElement method, ValidationReport report) {
    String name = describe(method);
    StepAnnotation step = StepAnnotation.of(method);
    if (!method.getModifiers().contains(Modifier.PUBLIC)) {
      report.error(method, Message.METHOD_NOT_PUBLIC, name);
    }
    validateEnclosingClasses(method, name, report);
    if (!method.getTypeParameters().isEmpty()) {
      report.error(method, Message.TYPE_PARAMETERS, name,
          "<" + String.join(", ", method.getTypeParameters().stream()
              .map(p -> p.getSimpleName().toString()).toList()) + ">");
    } else {
      for (VariableElement parameter : method.getParameters()) {
        validateType(method, parameter, parameter.asType(),
            "parameter '" + parameter.getSimpleName() + "'", report);
      }
      validateType(method, method, method.getReturnType(), "the return type", report);
    }
    if (step.slugExplicit() && !SLUG.matcher(step.slug()).matches()) {
      report.error(method, step.mirror(), step.value("slug"), Message.MALFORMED_SLUG,
          step.slug(), name);
    } else if (!step.slugExplicit() && !SLUG.matcher(step.slug()).matches()) {
      report.error(method, step.mirror(), null, Message.MALFORMED_DEFAULT_SLUG, step.slug(), name);
    }
    if (step.version() < 1) {
      report.error(method, step.mirror(), step.value("version"), Message.VERSION_TOO_LOW,
          step.version(), name);
    }
    validateOutputs(method, name, !method.getTypeParameters().isEmpty(), report);
    List<Integer> frames = FrameParameter.positions(method);
    if (frames.size() > 1) {
      report.error(method.getParameters().get(frames.get(1)), Message.FRAME_TWICE, name,
          frames.size());
    }
    PolicyAnnotations.validate(method, report);
  }

  private void validateEnclosingClasses(ExecutableElement method, String name,
      ValidationReport report) {
    for (Element e = method.getEnclosingElement(); e instanceof TypeElement;
        e = e.getEnclosingElement()) {
      TypeElement type = (TypeElement) e;
      NestingKind nesting = type.getNestingKind();
      if (nesting == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)
          && type.getKind() == ElementKind.CLASS
          && !type.getEnclosingElement().getKind().isInterface()) {
        report.error(method, Message.CLASS_NOT_STATIC, name, type.getQualifiedName(),
            type.getSimpleName());
        return;
      }
      boolean implicitlyPublic = nesting == NestingKind.MEMBER
          && type.getEnclosingElement().getKind().isInterface();
      if (!type.getModifiers().contains(Modifier.PUBLIC) && !implicitlyPublic) {
        report.error(method, Message.CLASS_NOT_PUBLIC, name, type.getQualifiedName(),
            type.getSimpleName());
        return;
      }
    }
  }

  private void validateType(ExecutableElement method, Element at, TypeMirror type, String where,
      ValidationReport report) {
    TypeMirror variable = find(type, TypeKind.TYPEVAR);
    if (variable != null) {
      report.error(at, Message.TYPE_VARIABLE, describe(method), variable, where);
      return;
    }
    TypeMirror hidden = findPrivate(type);
    if (hidden != null) {
      report.error(at, Message.TYPE_NOT_ACCESSIBLE, describe(method), hidden, where,
          ((DeclaredType) hidden).asElement().getSimpleName());
    }
  }

  /** @param typesReported whether the method's types were already reported (type parameters) */
  private void validateOutputs(ExecutableElement method, String name, boolean typesReported,
      ValidationReport report) {
    if (OutputElements.splitsRecord(method)
        && ((TypeElement) types.asElement(method.getReturnType())).getRecordComponents().isEmpty()) {
      report.error(method, Message.EMPTY_RECORD, name, method.getReturnType());
      return;
    }
    OutputElements outputs = OutputElements.of(method, types);
    if (outputs.shape() != OutputShape.SINGLE && method.getAnnotation(Reference.class) != null) {
      report.error(method, Message.REFERENCE_ON_NON_SINGLE, name, method.getReturnType());
    }
    for (OutputElements.Output output : outputs.outputs()) {
      if (GeneratedNames.RESERVED.contains(output.name())) {
        report.error(method, Message.RESERVED_NAME, output.name(), name, output.name());
      }
      if (!typesReported) {
        validateType(method, method, output.type(), "output '" + output.name() + "'", report);
      }
    }
  }

  /** {@code Class.method}, as used in messages. */
  public static String describe(ExecutableElement method) {
    return method.getEnclosingElement().getSimpleName() + "." + method.getSimpleName();
  }

  static TypeMirror find(TypeMirror type, TypeKind kind) {
    return TypeScan.find(type, t -> t.getKind() == kind);
  }

  static TypeMirror findPrivate(TypeMirror type) {
    return TypeScan.find(type, t -> {
      if (t.getKind() != TypeKind.DECLARED) {
        return false;
      }
      for (Element e = ((DeclaredType) t).asElement(); e instanceof TypeElement;
          e = e.getEnclosingElement()) {
        if (e.getModifiers().contains(Modifier.PRIVATE)) {
          return true;
        }
      }
      return false;
    });
  }
}
