package dev.fancy.cli;

import dev.fancy.config.ConfigException;
import dev.fancy.run.RunNotFoundException;
import dev.fancy.workflow.WorkflowValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The {@code fancy} command: runs, validates and draws workflows, expands and sweeps configs,
 * and reads the durable journal. Exit codes: 0 all succeeded, 1 some runs failed, 2 usage error,
 * 3 invalid workflow or config. Errors are one line each; {@code --verbose} adds the stack trace.
 */
@Command(name = "fancy", mixinStandardHelpOptions = true, versionProvider = Fancy.Version.class,
    description = "Runs Fancy workflows from the terminal: single runs, config sweeps, the "
        + "journal.",
    subcommands = {RunCommand.class, ValidateCommand.class, GraphCommand.class,
        StepsCommand.class, ConfigCommand.class, WorkflowCommand.class, RunsCommand.class,
        ServeCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Exit codes: 0 all succeeded, 1 some runs failed, 2 usage error, 3 invalid "
        + "workflow or config.", "", "Example:",
        "  fancy run weather.report --class-path app.jar --set csv=data/weather.csv"})
public final class Fancy implements Runnable {

  @picocli.CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err,
        true)));
  }

  /**
   * Runs the command line with output to {@code out} and errors to {@code err}.
   *
   * @return the exit code
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    boolean verbose = List.of(args).contains("-v") || List.of(args).contains("--verbose");
    CommandLine line = commandLine();
    line.setOut(out);
    line.setErr(err);
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.setExecutionExceptionHandler((e, command, parsed) -> {
      int code = exitCode(e);
      if (e instanceof ConfigException config && config.problems().size() > 1) {
        config.problems().forEach(p -> err.println("error: " + p));
      } else if (e instanceof WorkflowValidationException invalid) {
        err.println("error: " + invalid.getMessage().lines().findFirst().orElse(""));
        invalid.problems().forEach(p -> err.println("error:   " + p));
      } else {
        err.println("error: " + message(e));
      }
      if (verbose) {
        e.printStackTrace(err);
      } else if (code == ExitCode.FAILED) {
        err.println("(run with --verbose for the stack trace)");
      }
      err.flush();
      return code;
    });
    int code = line.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * The command tree, with an example in the footer of picocli's own {@code help} command too
   * (every other command declares its example in its {@code @Command}).
   */
  static CommandLine commandLine() {
    CommandLine line = new CommandLine(new Fancy());
    line.getSubcommands().get("help").getCommandSpec().usageMessage().footer("", "Example:",
        "  fancy help workflow parallel");
    return line;
  }

  private static int exitCode(Exception e) {
    if (e instanceof ConfigException || e instanceof WorkflowValidationException) {
      return ExitCode.INVALID;
    }
    if (e instanceof CommandLine.ParameterException || e instanceof RunNotFoundException) {
      return ExitCode.USAGE;
    }
    return ExitCode.FAILED;
  }

  static String message(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getName();
    }
    String first = message.strip().lines().findFirst().orElse(message);
    return e instanceof RuntimeException && e.getClass().getPackageName().startsWith("dev.fancy")
        ? first : e.getClass().getSimpleName() + ": " + first;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version from the build. */
  static String version() {
    Properties properties = new Properties();
    try (InputStream in = Fancy.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // no version resource: unknown
    }
    return properties.getProperty("version", "unknown");
  }

  /** Gives {@code --version}. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fancy " + version(), "Java " + System.getProperty("java.version")};
    }
  }
}
