package dev.fancy.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command has: where the user's classes are, and how much to say on errors. */
final class CommonOptions {

  @Option(names = {"-cp", "--class-path"}, paramLabel = "PATH",
      description = "Jars and folders with your steps and workflows (path syntax, 'lib/*' for "
          + "every jar in lib); also read from $FANCY_CLASS_PATH.")
  List<String> classPath = new ArrayList<>();

  @Option(names = {"-v", "--verbose"},
      description = "Print the stack trace of an error, not only its message.")
  boolean verbose;
}
