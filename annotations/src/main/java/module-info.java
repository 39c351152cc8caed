/**
 * The annotations that mark workflow steps ({@code @Step}) and give them default policies
 * ({@code @Retry}, {@code @Timeout}, {@code @Cached}) and storage ({@code @Reference}). Retained
 * in class files only; no dependencies.
 */
module dev.fancy.annotations {
  exports dev.fancy.annotations;
}
