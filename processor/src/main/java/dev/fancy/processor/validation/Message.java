package dev.fancy.processor.validation;

/**
 * Every diagnostic the processor reports, in one place. Each says what is wrong and how to fix it.
 * Arguments are filled with {@link String#format}.
 */
public enum Message {
  METHOD_NOT_PUBLIC(
      "@Step method %s must be public: the generated step module calls it directly, without "
          + "reflection. Make it public"),
  CLASS_NOT_PUBLIC(
      "@Step method %s is declared in %s, which is not public: the generated step module calls "
          + "it directly. Make %s public"),
  CLASS_NOT_STATIC(
      "@Step method %s is declared in the inner class %s: the generated step module cannot "
          + "reach an inner class's instance. Make %s a static nested class"),
  TYPE_PARAMETERS(
      "@Step method %s declares type parameters %s: cells need concrete types. Replace the type "
          + "parameters with concrete types, or write one step per type"),
  TYPE_VARIABLE(
      "@Step method %s uses the type variable %s in %s: cells need concrete types. Use a "
          + "concrete type, or declare the step in a class without type parameters"),
  TYPE_NOT_ACCESSIBLE(
      "@Step method %s uses the private type %s in %s: the generated code cannot name it. Make "
          + "%s at least package-private"),
  MALFORMED_SLUG(
      "slug '%s' of @Step method %s is malformed: use dot-separated segments that start with a "
          + "lower-case letter and hold only lower-case letters, digits and underscores, e.g. "
          + "etl.load_csv"),
  MALFORMED_DEFAULT_SLUG(
      "the default slug '%s' derived from %s is malformed. Set @Step(slug = \"...\") to "
          + "dot-separated segments of lower-case letters, digits and underscores, e.g. "
          + "etl.load_csv"),
  DUPLICATE_SLUG(
      "slug '%s' version %d of @Step method %s is already used by @Step method %s; a slug and "
          + "version identify one step in workflows and registries. Give one of them another "
          + "slug, or another version"),
  STEP_CLASS_CLASH(
      "@Step methods %s and %s would both generate the step class %s (their names differ only "
          + "in the case of their first letter). Rename one of them"),
  ORPHAN_POLICY(
      "@%s on %s has no effect: it applies only to @Step methods. Add @Step to the method, or "
          + "remove @%s"),
  STEPS_SUFFIX(
      "class %s ends in 'Steps', so its generated factories are named %s. Rename the class (for "
          + "example to %s) for shorter generated names, or ignore this warning"),
  VERSION_TOO_LOW(
      "version %d of @Step method %s is below 1. Versions start at 1; remove the attribute or "
          + "set it to 1 or more"),
  DUPLICATE_METHOD_NAME(
      "@Step method %s has the same name as another @Step method of %s; their generated "
          + "factories would clash. Rename one of them"),
  RESERVED_NAME(
      "output '%s' of @Step method %s clashes with the method %s() that every generated workflow "
          + "step has. Rename the record component"),
  EMPTY_RECORD(
      "@Step method %s returns the record %s, which has no components, so the step would have "
          + "no outputs. Return void for a step without outputs, add record components, or set "
          + "@Step(splitRecord = false) to pass the record on whole"),
  REFERENCE_ON_NON_SINGLE(
      "@Reference on @Step method %s applies to its single 'out' output, but the method returns "
          + "%s. Put @Reference on the record components to store by reference instead, or set "
          + "@Step(splitRecord = false)"),
  FRAME_TWICE(
      "@Step method %s declares %d ExecutionFrame parameters; the engine passes one frame per "
          + "attempt. Keep one"),
  RETRY_INVALID(
      "@Retry on @Step method %s is invalid: %s. Fix the value"),
  TIMEOUT_INVALID(
      "@Timeout on @Step method %s is %d %s; a timeout must be longer than zero. Use a positive "
          + "value, or remove @Timeout"),
  HEARTBEAT_INVALID(
      "@Timeout on @Step method %s has heartbeat = %d %s; a heartbeat timeout must be longer than "
          + "zero. Use a positive value, or 0 (the default) for none"),
  UNRESOLVED_TYPE(
      "@Step method %s uses the type %s, which could not be resolved. Check the earlier "
          + "compilation errors, or whether a generated type is missing"),
  WORKFLOW_NOT_PUBLIC(
      "@WorkflowDefinition method %s must be public: the generated workflow module calls it "
          + "directly, without reflection. Make it public"),
  WORKFLOW_NOT_STATIC(
      "@WorkflowDefinition method %s must be static: the generated workflow module calls it "
          + "without an instance. Make it static"),
  WORKFLOW_PARAMETERS(
      "@WorkflowDefinition method %s takes parameters (%s), but the registry builds the "
          + "workflow with no arguments. Remove them, and declare what varies as the workflow's "
          + "input cells (Cell.input), which configs and --set bind"),
  WORKFLOW_RETURN_TYPE(
      "@WorkflowDefinition method %s returns %s, not dev.fancy.workflow.Workflow. Return the "
          + "workflow it defines, e.g. Workflow.of(\"%s\", ...)"),
  WORKFLOW_NAME_BLANK(
      "the name of @WorkflowDefinition method %s is blank. Set @WorkflowDefinition(name = "
          + "\"...\") to dot-separated segments of lower-case letters, digits and underscores, "
          + "e.g. weather.report"),
  WORKFLOW_NAME_MALFORMED(
      "workflow name '%s' of @WorkflowDefinition method %s is malformed: use dot-separated "
          + "segments that start with a lower-case letter and hold only lower-case letters, "
          + "digits and underscores, e.g. weather.report"),
  DUPLICATE_WORKFLOW_NAME(
      "workflow name '%s' of @WorkflowDefinition method %s is already used by "
          + "@WorkflowDefinition method %s; the CLI, the server and the journal know a workflow by "
          + "its name. Give one of them another name"),
  WORKFLOW_CLASS_NOT_PUBLIC(
      "@WorkflowDefinition method %s is declared in %s, which is not public: the generated "
          + "workflow module calls it directly. Make %s public"),
  PROVIDES_MISSING(
      "module %s has %s (%s) but does not provide %s, so %s finds none of them on the "
          + "module path: ServiceLoader reads a named module's provides clauses, not the "
          + "META-INF/services file fancy-processor writes for the class path. Add this line to "
          + "module-info.java: %s"),
  PROVIDES_INCOMPLETE(
      "module %s provides %s but not with %s (generated for %s), so %s skips it on the "
          + "module path. Write the clause in module-info.java as: %s"),
  STEP_CLASS_CASE_CLASH(
      "@Step methods %s and %s generate the step classes %s and %s, whose class files differ "
          + "only in case: on a case-insensitive file system (macOS, Windows) one overwrites the "
          + "other. Rename one of the methods so that the names differ by more than case"),
  SERVICE_FILE_NOT_WRITTEN(
      "cannot write %s, so %s would not find the generated "
          + "modules: %s. Check that the class output directory is writable"),
  PROCESSOR_ERROR(
      "the Fancy processor failed on %s; please report this with the stack trace:%n%s");

  private final String format;

  Message(String format) {
    this.format = format;
  }

  /** The message with its arguments filled in. */
  public String format(Object... args) {
    return String.format(format, args);
  }
}
