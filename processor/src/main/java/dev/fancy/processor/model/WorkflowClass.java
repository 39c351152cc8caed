package dev.fancy.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.List;

/**
 * The {@code @WorkflowDefinition} methods of one class, sorted by name, and its generated module.
 *
 * @param target the class the methods are declared in
 * @param moduleClass the generated {@code <Class>WorkflowModule}
 * @param definitions the definitions, sorted by name
 */
public record WorkflowClass(ClassName target, ClassName moduleClass,
    List<Definition> definitions) {

  /**
   * One definition.
   *
   * @param name the workflow's name
   * @param methodName the method that builds it
   */
  public record Definition(String name, String methodName) {}

  public WorkflowClass {
    definitions = List.copyOf(definitions);
  }
}
