package dev.fancy.config;

import java.util.List;

/**
 * A config, a config file or a command-line override is invalid: a value of the wrong type, an
 * unknown or missing input, a malformed sweep section, or a file that does not parse. Each
 * problem is one sentence that starts with where it is ({@code sweep.yaml:7:12:} for a file,
 * {@code --set lr=abc:} for an override) when that is known, names the key and says what was
 * expected. Thrown before anything runs.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * Creates the exception.
   *
   * @param problems one sentence per problem, at least one
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public ConfigException(List<String> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  /** One problem. */
  public ConfigException(String problem) {
    this(List.of(problem));
  }

  /** One problem and its cause. */
  public ConfigException(String problem, Throwable cause) {
    super(problem, cause);
    this.problems = List.of(problem);
  }

  private static String message(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    return problems.size() == 1 ? problems.get(0)
        : problems.size() + " problems:\n  - " + String.join("\n  - ", problems);
  }

  /** Every problem found, one sentence each. */
  public List<String> problems() {
    return problems;
  }
}
