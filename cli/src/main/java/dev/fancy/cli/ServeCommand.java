package dev.fancy.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code fancy serve}: the workflow service of the server module (REST API, Server-Sent Events,
 * dashboard) on the durable journal, with exactly the options of {@code java -jar
 * fancy-server.jar} (the server's {@code ServerOptions}: flags and environment variables). Runs
 * until the process is stopped (Ctrl-C, SIGTERM). This class names no server type, so the
 * command says what is missing when the server module is not on the class path.
 */
@Command(name = "serve",
    description = {"Runs the workflow service (REST API and dashboard) of the server module on "
        + "the durable journal until stopped (Ctrl-C).",
        "Takes the options of java -jar fancy-server.jar: --port, --host, --journal, --token, "
            + "--cors-origin, --class-path (-cp), --max-body-bytes, --retention-days, "
            + "--lease-seconds, and their FANCY_* environment variables; --help lists them."},
    footer = {"", "Example:",
        "  fancy serve --port 8080 --journal .fancy/journal.db --class-path 'app.jar:lib/*'"})
final class ServeCommand implements Callable<Integer> {

  /** The server's main class, present when the server module is on the class path. */
  static final String SERVER_MAIN = "dev.fancy.server.FancyServerMain";

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, description = "Prints the server's options.")
  boolean help;

  /** The server's options, handed to {@code ServerOptions.parse} as they are. */
  @Unmatched
  List<String> arguments = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (!serverPresent()) {
      throw new ParameterException(spec.commandLine(), "fancy serve needs the server module "
          + "(dev.fancy:fancy-server) on the class path: the fancy launcher's jar has it; in "
          + "your own build, add that dependency");
    }
    if (help) {
      out.println(ServerLauncher.usage());
      for (String line : spec.usageMessage().footer()) {
        out.println(line);
      }
      return ExitCode.OK;
    }
    try {
      ServerLauncher.serve(arguments, out);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(),
          e.getMessage().lines().findFirst().orElse("") + " (fancy serve --help lists the "
              + "options)", e);
    }
    new CountDownLatch(1).await(); // until the JVM stops; a shutdown hook stops the server
    return ExitCode.OK;
  }

  private static boolean serverPresent() {
    try {
      Class.forName(SERVER_MAIN, false, ServeCommand.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
