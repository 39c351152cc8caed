package dev.fancy.processor;

import dev.fancy.annotations.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/** Groups {@code @Step} methods by their declaring class, in source order. */
final class StepElements {
  private StepElements() {}

  /** The {@code @Step} methods among {@code annotated}, by declaring class. */
  static Map<TypeElement, List<ExecutableElement>> byClass(Iterable<? extends Element> annotated) {
    Map<TypeElement, List<ExecutableElement>> classes = new LinkedHashMap<>();
    for (Element element : annotated) {
      if (element.getKind() == ElementKind.METHOD
          && element.getEnclosingElement() instanceof TypeElement type) {
        classes.computeIfAbsent(type, t -> new ArrayList<>());
      }
    }
    for (TypeElement type : classes.keySet()) {
      classes.put(type, methodsOf(type));
    }
    return classes;
  }

  /** Every {@code @Step} method declared in {@code type}, in source order. */
  static List<ExecutableElement> methodsOf(TypeElement type) {
    List<ExecutableElement> methods = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (method.getAnnotation(Step.class) != null) {
        methods.add(method);
      }
    }
    return methods;
  }
}
