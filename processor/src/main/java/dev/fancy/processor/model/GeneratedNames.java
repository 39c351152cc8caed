package dev.fancy.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.Set;

/** The fixed naming scheme of generated code and default slugs. */
public final class GeneratedNames {

  /**
   * Names that step input and output accessors may not take: the public and protected methods of
   * {@code WorkflowStep} and {@code Object}.
   */
  public static final Set<String> RESERVED = Set.of(
      "id", "slug", "version", "inputNames", "inputCells", "inputCell", "outputNames",
      "outputCells", "outputCell", "typedInput", "typedOutput", "after", "upstream", "options",
      "origin", "validate", "validator", "named", "callName",
      "equals",
      "hashCode",
      "toString", "getClass", "notify", "notifyAll", "wait", "clone", "finalize");

  /**
   * The generated-code API version this processor writes; the runtime's
   * {@code StepModule.GENERATED_API_VERSION} must match it.
   */
  public static final int API_VERSION = 1;

  /** Name of the single output of a step that returns neither void nor a record. */
  public static final String SINGLE_OUTPUT = "out";

  /** The frame type: a parameter of this type receives the attempt's frame, not a cell. */
  public static final String FRAME = "dev.fancy.frame.ExecutionFrame";

  /** The service interface generated modules implement. */
  public static final String STEP_MODULE = "dev.fancy.registry.StepModule";

  /** The service interface generated workflow modules implement. */
  public static final String WORKFLOW_MODULE = "dev.fancy.registry.WorkflowModule";

  private GeneratedNames() {}

  /** {@code <Outer>_<Inner>Steps} in the class's package. */
  public static ClassName stepsClass(ClassName target) {
    return ClassName.get(target.packageName(), flatName(target) + "Steps");
  }

  /** {@code <Outer>_<Inner>StepModule} in the class's package. */
  public static ClassName moduleClass(ClassName target) {
    return ClassName.get(target.packageName(), flatName(target) + "StepModule");
  }

  /** {@code <Outer>_<Inner>WorkflowModule} in the class's package. */
  public static ClassName workflowModuleClass(ClassName target) {
    return ClassName.get(target.packageName(), flatName(target) + "WorkflowModule");
  }

  private static String flatName(ClassName target) {
    return String.join("_", target.simpleNames());
  }

  /** The workflow step class nested in the factories class: {@code loadCsv -> LoadCsvStep}. */
  public static String stepClass(String methodName) {
    return Character.toUpperCase(methodName.charAt(0)) + methodName.substring(1) + "Step";
  }

  /** The default slug: {@code Etl.loadCsv -> etl.load_csv}. */
  public static String defaultSlug(String classSimpleName, String methodName) {
    return snakeCase(classSimpleName) + "." + snakeCase(methodName);
  }

  /**
   * Camel case to snake case: an underscore before an upper-case letter that follows a lower-case
   * letter or digit, or that starts a word after an acronym ({@code CSVReader -> csv_reader}).
   */
  static String snakeCase(String name) {
    StringBuilder out = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        char previous = name.charAt(i - 1);
        boolean nextLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
        if (Character.isLowerCase(previous) || Character.isDigit(previous)
            || (Character.isUpperCase(previous) && nextLower)) {
          out.append('_');
        }
      }
      out.append(Character.toLowerCase(c));
    }
    return out.toString();
  }
}
