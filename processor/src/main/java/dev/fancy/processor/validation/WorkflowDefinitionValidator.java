package dev.fancy.processor.validation;

import dev.fancy.annotations.WorkflowDefinition;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks {@code @WorkflowDefinition} methods: public, static, no parameters, returns
 * {@code dev.fancy.workflow.Workflow}, declared in public classes, and a well-formed name that no
 * other method of the compilation uses. Keeps the names seen in earlier rounds, so one instance
 * serves a whole compilation.
 */
public final class WorkflowDefinitionValidator {

  /** The type a definition returns. */
  public static final String WORKFLOW = "dev.fancy.workflow.Workflow";

  private final Types types;
  private final Elements elements;
  private final Map<String, String> nameOwners = new HashMap<>();

  /** Creates a validator using the compiler's utilities. */
  public WorkflowDefinitionValidator(Types types, Elements elements) {
    this.types = types;
    this.elements = elements;
  }

  /** The effective name of the definition on {@code method}. */
  public static String name(ExecutableElement method) {
    return method.getAnnotation(WorkflowDefinition.class).name();
  }

  /** Adds every problem of {@code method} to {@code report}. */
  public void validate(ExecutableElement method, ValidationReport report) {
    String description = StepMethodValidator.describe(method);
    String name = name(method);
    if (!method.getModifiers().contains(Modifier.PUBLIC)) {
      report.error(method, Message.WORKFLOW_NOT_PUBLIC, description);
    }
    if (!method.getModifiers().contains(Modifier.STATIC)) {
      report.error(method, Message.WORKFLOW_NOT_STATIC, description);
    }
    if (!method.getParameters().isEmpty()) {
      report.error(method, Message.WORKFLOW_PARAMETERS, description,
          method.getParameters().stream().map(p -> p.asType() + " " + p.getSimpleName())
              .collect(Collectors.joining(", ")));
    }
    if (!returnsWorkflow(method)) {
      report.error(method, Message.WORKFLOW_RETURN_TYPE, description, method.getReturnType(),
          name.isBlank() ? "..." : name);
    }
    validateEnclosingClasses(method, description, report);
    AnnotationMirror mirror = mirror(method);
    AnnotationValue value = value(mirror, "name");
    if (name.isBlank()) {
      report.error(method, mirror, value, Message.WORKFLOW_NAME_BLANK, description);
    } else if (!StepMethodValidator.SLUG.matcher(name).matches()) {
      report.error(method, mirror, value, Message.WORKFLOW_NAME_MALFORMED, name, description);
    } else {
      String owner = nameOwners.putIfAbsent(name, description);
      if (owner != null && !owner.equals(description)) {
        report.error(method, mirror, value, Message.DUPLICATE_WORKFLOW_NAME, name, description,
            owner);
      }
    }
  }

  private boolean returnsWorkflow(ExecutableElement method) {
    TypeMirror returned = method.getReturnType();
    TypeElement workflow = elements.getTypeElement(WORKFLOW);
    if (workflow != null) {
      return types.isSameType(returned, workflow.asType());
    }
    return returned.getKind() == TypeKind.DECLARED && returned.toString().equals(WORKFLOW);
  }

  private static void validateEnclosingClasses(ExecutableElement method, String description,
      ValidationReport report) {
    for (Element e = method.getEnclosingElement(); e instanceof TypeElement;
        e = e.getEnclosingElement()) {
      TypeElement type = (TypeElement) e;
      // Classes local to a method body are never seen: javac does not give processors the
      // annotated elements inside method bodies.
      NestingKind nesting = type.getNestingKind();
      boolean implicitlyPublic = nesting == NestingKind.MEMBER
          && type.getEnclosingElement().getKind().isInterface();
      if (!type.getModifiers().contains(Modifier.PUBLIC) && !implicitlyPublic) {
        report.error(method, Message.WORKFLOW_CLASS_NOT_PUBLIC, description,
            type.getQualifiedName(), type.getSimpleName());
        return;
      }
    }
  }

  private static AnnotationMirror mirror(ExecutableElement method) {
    return method.getAnnotationMirrors().stream()
        .filter(m -> ((TypeElement) m.getAnnotationType().asElement()).getQualifiedName()
            .contentEquals(WorkflowDefinition.class.getCanonicalName()))
        .findFirst().orElseThrow();
  }

  private static AnnotationValue value(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry
        : mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return entry.getValue();
      }
    }
    return null;
  }
}
