package dev.fancy.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.List;

/**
 * A class with {@code @Step} methods and the names of what is generated for it.
 *
 * @param target the class declaring the steps
 * @param stepsClass the generated factories class, {@code <Class>Steps}
 * @param moduleClass the generated module class, {@code <Class>StepModule}
 * @param steps the steps in source order
 */
public record StepClass(
    ClassName target, ClassName stepsClass, ClassName moduleClass, List<StepMethod> steps) {

  /** Copies the list. */
  public StepClass {
    steps = List.copyOf(steps);
  }

  /** Whether any step is an instance method, so the module needs the instance. */
  public boolean hasInstanceSteps() {
    return steps.stream().anyMatch(step -> !step.isStatic());
  }
}
