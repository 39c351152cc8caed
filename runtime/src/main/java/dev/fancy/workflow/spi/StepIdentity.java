package dev.fancy.workflow.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The shape checks of a step's identity, shared by workflow steps, JSON reading and step
 * definitions: a slug is dot-separated segments of lower-case letters, digits and underscores
 * ({@code etl.load_csv}), a version is at least 1.
 */
public final class StepIdentity {

  private static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

  private StepIdentity() {}

  /**
   * Returns {@code slug} if it has the shape of a slug.
   *
   * @throws NullPointerException if {@code slug} is null
   * @throws IllegalArgumentException saying what the shape is otherwise
   */
  public static String checkSlug(String slug) {
    Objects.requireNonNull(slug, "slug == null");
    if (!SLUG.matcher(slug).matches()) {
      throw new IllegalArgumentException("slug '" + slug + "' is malformed: use dot-separated "
          + "segments of lower-case letters, digits and underscores, e.g. etl.load_csv");
    }
    return slug;
  }

  /**
   * Returns {@code version} if it is at least 1.
   *
   * @throws IllegalArgumentException naming the step otherwise
   */
  public static int checkVersion(String slug, int version) {
    if (version < 1) {
      throw new IllegalArgumentException(
          "step '" + slug + "' has version " + version + "; versions start at 1");
    }
    return version;
  }
}
