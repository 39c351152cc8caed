package dev.fancy.processor.writing;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeSpec;

/**
 * Adds {@code @javax.annotation.processing.Generated} to generated types when the code may carry
 * it (the type exists and, in a named module, the module reads {@code java.compiler}; the
 * processors decide, see {@code GeneratedAnnotationCheck}); the comment names the class the code
 * was generated from.
 */
final class GeneratedAnnotation {
  static final String PROCESSOR = "dev.fancy.processor.StepProcessor";

  private GeneratedAnnotation() {}

  static void addTo(TypeSpec.Builder type, boolean available, ClassName source) {
    addTo(type, available, source, PROCESSOR);
  }

  /** As above, naming {@code processor} as the generator. */
  static void addTo(TypeSpec.Builder type, boolean available, ClassName source,
      String processor) {
    if (available) {
      type.addAnnotation(AnnotationSpec.builder(RuntimeTypes.GENERATED)
          .addMember("value", "$S", processor)
          .addMember("comments", "$S", "from " + source.canonicalName())
          .build());
    }
  }
}
