package dev.fancy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the packaged {@code target/fancy} launcher as a subprocess, as a user's shell does. */
final class FancyProcess {
  /** The launcher the build wrote. */
  static final Path LAUNCHER = Path.of("target", "fancy").toAbsolutePath();
  /** The test steps and workflows, passed with --class-path. */
  static final Path TEST_CLASSES = Path.of("target", "test-classes").toAbsolutePath();

  /** What one invocation printed and returned. */
  record Result(int code, String out, String err) {
    /** Asserts the exit code, showing the output if it differs. */
    Result exits(int expected) {
      assertThat(code).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isEqualTo(expected);
      return this;
    }
  }

  /** This JVM's -javaagent options (a coverage agent), passed on to every fancy process. */
  static final String AGENTS = String.join(" ", java.lang.management.ManagementFactory
      .getRuntimeMXBean().getInputArguments().stream()
      .filter(argument -> argument.startsWith("-javaagent:") && !argument.contains(" "))
      .toList());

  private FancyProcess() {}

  /** Runs {@code fancy args...} in {@code dir}, waiting at most two minutes. */
  static Result run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("FANCY_CLASS_PATH");
    builder.environment().put("FANCY_JAVA_OPTS", AGENTS);
    Process process = builder.start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("fancy " + String.join(" ", args) + " did not end in 2 minutes");
    }
    Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return result;
  }
}
