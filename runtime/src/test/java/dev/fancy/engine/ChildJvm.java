package dev.fancy.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@link JournalWorker} (or another test main) in a child JVM on the class path: this test's class path plus its
 * module path (surefire runs the runtime's tests on the module path).
 */
final class ChildJvm {
  private ChildJvm() {}

  static Process start(Path log, Object... arguments) throws java.io.IOException {
    return start(log, List.of(), JournalWorker.class, arguments);
  }

  /** Starts {@code main}'s {@code main} method in a child JVM, its output appended to {@code log}. */
  static Process start(Path log, Class<?> main, Object... arguments) throws java.io.IOException {
    return start(log, List.of(), main, arguments);
  }

  /** Starts {@code main} with JVM options such as {@code -Xmx128m} before the class name. */
  static Process start(Path log, List<String> options, Class<?> main, Object... arguments)
      throws java.io.IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    command.addAll(options);
    command.addAll(List.of("-cp", classPath(), main.getName()));
    for (Object argument : arguments) {
      command.add(String.valueOf(argument));
    }
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  private static String classPath() {
    String modules = System.getProperty("jdk.module.path");
    String classes = System.getProperty("java.class.path");
    return modules == null || modules.isEmpty() ? classes
        : modules + java.io.File.pathSeparator + classes;
  }

  /** The last lines the children wrote, for failure messages. */
  static String tail(Path log) {
    try {
      List<String> lines = java.nio.file.Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Steps committed so far, read from the journal file by a connection of its own. */
  static long committedSteps(Path journal) {
    return JournalKit.count(journal, "SELECT COUNT(*) FROM attempts WHERE status = 'SUCCEEDED'");
  }
}
