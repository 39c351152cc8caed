package dev.fancy.processor.validation;

import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Errors found by validators, collected instead of printed as they are found (Dagger's
 * {@code ValidationReport}). Each error points at an element and, where it helps, the annotation
 * and the offending annotation value.
 */
public final class ValidationReport {

  private record Item(Diagnostic.Kind kind, String message, Element element,
      AnnotationMirror annotation, AnnotationValue value) {}

  private final List<Item> items = new ArrayList<>();

  /** Adds an error on {@code element}. */
  public void error(Element element, Message message, Object... args) {
    items.add(new Item(Diagnostic.Kind.ERROR, message.format(args), element, null, null));
  }

  /** Adds a warning on {@code element}; warnings do not make the report unclean. */
  public void warning(Element element, Message message, Object... args) {
    items.add(new Item(Diagnostic.Kind.WARNING, message.format(args), element, null, null));
  }

  /** Adds an error on an annotation value of {@code element} (value may be null). */
  public void error(Element element, AnnotationMirror annotation, AnnotationValue value,
      Message message, Object... args) {
    items.add(new Item(Diagnostic.Kind.ERROR, message.format(args), element, annotation, value));
  }

  /** Whether no error was added. */
  public boolean isClean() {
    return items.stream().noneMatch(item -> item.kind() == Diagnostic.Kind.ERROR);
  }

  /** Prints every error and warning to {@code messager}. */
  public void printTo(Messager messager) {
    for (Item item : items) {
      if (item.value() != null) {
        messager.printMessage(item.kind(), item.message(), item.element(),
            item.annotation(), item.value());
      } else if (item.annotation() != null) {
        messager.printMessage(item.kind(), item.message(), item.element(),
            item.annotation());
      } else {
        messager.printMessage(item.kind(), item.message(), item.element());
      }
    }
  }
}
