package dev.fancy.cli;

/** The exit codes of {@code fancy}, the same for every command. */
final class ExitCode {
  /** Everything succeeded. */
  static final int OK = 0;
  /** Some runs failed (or a run could not be read, cancelled or resumed). */
  static final int FAILED = 1;
  /** The command line is wrong: an unknown option, a missing argument, a malformed value. */
  static final int USAGE = 2;
  /** The workflow or a config is invalid; nothing ran. */
  static final int INVALID = 3;

  private ExitCode() {}
}
