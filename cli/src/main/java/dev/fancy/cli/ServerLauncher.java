package dev.fancy.cli;

import dev.fancy.server.FancyServerMain;
import dev.fancy.server.ServerOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;

/**
 * Where the CLI names the server module's types: loaded only once {@link ServeCommand} found the
 * module on the class path.
 */
final class ServerLauncher {
  private ServerLauncher() {}

  /** The server's options, as {@code fancy serve --help} prints them. */
  static String usage() {
    return ServerOptions.usage("fancy serve");
  }

  /**
   * Starts the server with {@code arguments} and the {@code FANCY_*} environment variables.
   *
   * @throws IllegalArgumentException for a bad option, or a non-loopback host without a token
   * @throws dev.fancy.config.ConfigException for a class path entry that does not exist
   */
  static URI serve(List<String> arguments, PrintWriter out) {
    ServerOptions options = ServerOptions.parse(arguments, System.getenv()).requireSafe();
    return FancyServerMain.serve(options, out);
  }
}
