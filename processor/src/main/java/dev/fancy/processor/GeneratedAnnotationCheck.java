package dev.fancy.processor;

import javax.lang.model.element.Element;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.util.Elements;

/**
 * Decides whether code generated for a class may carry {@code @javax.annotation.processing
 * .Generated}. On the class path (the unnamed module reads every module) the type's existence
 * decides, as in auto-common's {@code GeneratedAnnotations} and Dagger's
 * {@code SourceFileGenerator}. In a named module that is not enough: the type is found whenever
 * {@code java.compiler} is anywhere in the compilation's module graph, and code of a module that
 * does not read {@code java.compiler} then fails with "package javax.annotation.processing is not
 * visible" (the failure reported to Dagger as google/dagger#4321). So there the type is looked up
 * as seen from the class's module ({@link Elements#getTypeElement(ModuleElement, CharSequence)}),
 * which finds it only if the module reads {@code java.compiler}: {@code requires java.compiler},
 * {@code requires static java.compiler}, or a module that implies it, such as {@code java.se}.
 *
 * <p>The module's directives are deliberately not read: reading them completes its
 * {@code provides} clauses, and a clause naming a module not generated yet then fails.
 */
final class GeneratedAnnotationCheck {

  static final String GENERATED = "javax.annotation.processing.Generated";

  private final Elements elements;

  GeneratedAnnotationCheck(Elements elements) {
    this.elements = elements;
  }

  /** Whether the code generated from {@code origin} may be annotated {@code @Generated}. */
  boolean appliesTo(Element origin) {
    ModuleElement module = elements.getModuleOf(origin);
    return module == null || module.isUnnamed()
        ? elements.getTypeElement(GENERATED) != null
        : elements.getTypeElement(module, GENERATED) != null;
  }
}
