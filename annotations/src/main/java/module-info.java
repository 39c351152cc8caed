/**
 * The annotations that mark workflow steps ({@code @Step}) and give them default policies
 * ({@code @Retry}, {@code @Timeout}, {@code @Cached}) and storage ({@code @Reference}), and the
 * workflows a module provides by name ({@code @WorkflowDefinition}). Retained
 * in class files only; no dependencies.
 */
module dev.fancy.annotations {
  exports dev.fancy.annotations;
}
