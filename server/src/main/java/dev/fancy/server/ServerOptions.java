package dev.fancy.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a Fancy server is configured: the one options class shared by
 * {@code java -jar fancy-server.jar} and the CLI's {@code fancy serve}. Every option is a flag
 * and an environment variable; a flag wins over its variable.
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>flag</th><th>variable</th><th>default</th></tr>
 *   <tr><td>{@code --port N}</td><td>{@code FANCY_PORT}</td><td>8080 (0: any free port)</td></tr>
 *   <tr><td>{@code --host H}</td><td>{@code FANCY_HOST}</td><td>127.0.0.1</td></tr>
 *   <tr><td>{@code --journal FILE}</td><td>{@code FANCY_JOURNAL}</td>
 *       <td>{@code .fancy/journal.db} under the working directory</td></tr>
 *   <tr><td>{@code --token T}</td><td>{@code FANCY_TOKEN}</td><td>none</td></tr>
 *   <tr><td>{@code --cors-origin URL} (repeatable)</td><td>{@code FANCY_CORS_ORIGINS}
 *       (comma-separated)</td><td>none: CORS off</td></tr>
 *   <tr><td>{@code --class-path P} (repeatable)</td><td>{@code FANCY_CLASS_PATH}
 *       (path-separated)</td><td>none</td></tr>
 *   <tr><td>{@code --max-body-bytes N}</td><td>{@code FANCY_MAX_BODY_BYTES}</td>
 *       <td>1 MiB</td></tr>
 *   <tr><td>{@code --retention-days N}</td><td>{@code FANCY_RETENTION_DAYS}</td>
 *       <td>0: keep every run</td></tr>
 *   <tr><td>{@code --lease-seconds N}</td><td>{@code FANCY_LEASE_SECONDS}</td>
 *       <td>30</td></tr>
 * </table>
 *
 * @param port the TCP port, 0 to 65535 (0 picks a free one)
 * @param host the address to bind; anything but a loopback address needs a token
 * @param journal the SQLite file of the durable journal and of the server's own tables
 * @param token the API token every request but {@code /health/*} must present as
 *     {@code Authorization: Bearer <token>}, or null for none
 * @param corsOrigins origins allowed to call the API from a browser; empty for no CORS
 * @param classPath jars and folders whose {@code @Step} modules are registered; an entry
 *     {@code dir/*} means every jar in {@code dir}. Loaded by {@code dev.fancy.config.UserClassPath},
 *     the CLI's loader ({@code -cp} is accepted for {@code --class-path})
 * @param maxBodyBytes the largest request body accepted, in bytes (larger: 413)
 * @param retentionDays finished runs older than this many days are deleted; 0 keeps them
 * @param leaseSeconds how long the durable engine's lease on a run lasts without a heartbeat: a
 *     crashed server's runs are taken over this long after it died (default 30)
 */
public record ServerOptions(int port, String host, Path journal, String token,
    List<String> corsOrigins, List<Path> classPath, long maxBodyBytes, int retentionDays,
    int leaseSeconds) {

  /** The default port. */
  public static final int DEFAULT_PORT = 8080;
  /** The default bind address: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The default body limit: 1 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  /** The default journal file, relative to the working directory. */
  public static final Path DEFAULT_JOURNAL = Path.of(".fancy", "journal.db");

  /** The defaults: port 8080 on 127.0.0.1, no token, no CORS, 1 MiB bodies. */
  public static final ServerOptions DEFAULT = new ServerOptions(DEFAULT_PORT, DEFAULT_HOST,
      DEFAULT_JOURNAL, null, List.of(), List.of(), DEFAULT_MAX_BODY_BYTES, 0, 30);

  /**
   * Checks the options.
   *
   * @throws IllegalArgumentException if the port, body limit or retention is out of range, a CORS
   *     origin is {@code *} or not an http(s) origin, or the token is blank
   */
  public ServerOptions {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is outside 0..65535");
    }
    Objects.requireNonNull(host, "host == null");
    Objects.requireNonNull(journal, "journal == null");
    if (token != null && token.isBlank()) {
      throw new IllegalArgumentException("the API token is blank; give a long random string");
    }
    corsOrigins = List.copyOf(corsOrigins);
    for (String origin : corsOrigins) {
      if (!origin.matches("https?://[^/\\s*]+")) {
        throw new IllegalArgumentException("CORS origin '" + origin + "' must be an origin such "
            + "as https://tracker.example.com (scheme and host, no path, never '*')");
      }
    }
    classPath = List.copyOf(classPath);
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("max body bytes " + maxBodyBytes + " < 1");
    }
    if (retentionDays < 0) {
      throw new IllegalArgumentException("retention days " + retentionDays + " < 0");
    }
    if (leaseSeconds < 1) {
      throw new IllegalArgumentException("lease seconds " + leaseSeconds + " < 1");
    }
  }

  /** Whether {@link #host()} is a loopback address (127.0.0.0/8, ::1 or localhost). */
  public boolean loopback() {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
  }

  /**
   * Checks that the options are safe to serve with: a non-loopback host needs a token.
   *
   * @throws IllegalArgumentException if they are not, saying how to fix it
   */
  public ServerOptions requireSafe() {
    if (!loopback() && token == null) {
      throw new IllegalArgumentException("refusing to listen on " + host + " without an API "
          + "token: anyone who can reach it could run steps; set --token (or FANCY_TOKEN), or "
          + "bind 127.0.0.1");
    }
    return this;
  }

  /** These options on {@code port}. */
  public ServerOptions withPort(int port) {
    return new ServerOptions(port, host, journal, token, corsOrigins, classPath, maxBodyBytes,
        retentionDays, leaseSeconds);
  }

  /** These options with a body limit of {@code maxBodyBytes}. */
  public ServerOptions withMaxBodyBytes(long maxBodyBytes) {
    return new ServerOptions(port, host, journal, token, corsOrigins, classPath, maxBodyBytes,
        retentionDays, leaseSeconds);
  }

  /** These options with API token {@code token} (null for none). */
  public ServerOptions withToken(String token) {
    return new ServerOptions(port, host, journal, token, corsOrigins, classPath, maxBodyBytes,
        retentionDays, leaseSeconds);
  }

  /** These options bound to {@code host}. */
  public ServerOptions withHost(String host) {
    return new ServerOptions(port, host, journal, token, corsOrigins, classPath, maxBodyBytes,
        retentionDays, leaseSeconds);
  }

  /** These options allowing browser calls from {@code origins}. */
  public ServerOptions withCorsOrigins(List<String> origins) {
    return new ServerOptions(port, host, journal, token, origins, classPath, maxBodyBytes,
        retentionDays, leaseSeconds);
  }

  /** These options with {@code journal}. */
  public ServerOptions withJournal(Path journal) {
    return new ServerOptions(port, host, journal, token, corsOrigins, classPath, maxBodyBytes,
        retentionDays, leaseSeconds);
  }

  /** The usage text of the flags, for {@code java -jar fancy-server.jar}. */
  public static String usage() {
    return usage("java -jar fancy-server.jar");
  }

  /** The usage text of the flags, for the command {@code command} ({@code fancy serve}). */
  public static String usage(String command) {
    return String.join("\n",
        "usage: " + command + " [options]",
        "  --port N             port to listen on (FANCY_PORT, default 8080; 0 for any free port)",
        "  --host H             address to bind (FANCY_HOST, default 127.0.0.1)",
        "  --journal FILE       SQLite journal file (FANCY_JOURNAL, default .fancy/journal.db)",
        "  --token T            API token, required off loopback (FANCY_TOKEN)",
        "  --cors-origin URL    allow browser calls from this origin; repeatable "
            + "(FANCY_CORS_ORIGINS, comma-separated)",
        "  --class-path P, -cp  jars and folders with @Step modules and @WorkflowDefinitions, in "
            + "path syntax, 'lib/*' for every jar in lib; repeatable (FANCY_CLASS_PATH)",
        "  --max-body-bytes N   largest request body (FANCY_MAX_BODY_BYTES, default 1048576)",
        "  --retention-days N   delete finished runs older than N days (FANCY_RETENTION_DAYS)",
        "  --lease-seconds N    a crashed server's runs are taken over after N s "
            + "(FANCY_LEASE_SECONDS, default 30)",
        "  --help               print this text");
  }

  /**
   * Reads options from environment variables, then from flags, which win.
   *
   * @param args the command line's flags ({@code --name value} or {@code --name=value})
   * @param env the environment, usually {@code System.getenv()}
   * @throws IllegalArgumentException naming an unknown flag, a flag without its value or a value
   *     that is not a number
   */
  public static ServerOptions parse(List<String> args, Map<String, String> env) {
    int port = intValue("FANCY_PORT", env.get("FANCY_PORT"), DEFAULT_PORT);
    String host = env.getOrDefault("FANCY_HOST", DEFAULT_HOST);
    Path journal = env.containsKey("FANCY_JOURNAL") ? Path.of(env.get("FANCY_JOURNAL"))
        : DEFAULT_JOURNAL;
    String token = emptyToNull(env.get("FANCY_TOKEN"));
    List<String> cors = new ArrayList<>(split(env.get("FANCY_CORS_ORIGINS"), ","));
    List<Path> classPath = new ArrayList<>();
    for (String p : split(env.get("FANCY_CLASS_PATH"), java.io.File.pathSeparator)) {
      classPath.add(Path.of(p));
    }
    long maxBody = longValue("FANCY_MAX_BODY_BYTES", env.get("FANCY_MAX_BODY_BYTES"),
        DEFAULT_MAX_BODY_BYTES);
    int retention = intValue("FANCY_RETENTION_DAYS", env.get("FANCY_RETENTION_DAYS"), 0);
    int lease = intValue("FANCY_LEASE_SECONDS", env.get("FANCY_LEASE_SECONDS"), 30);
    boolean corsFromFlags = false;
    boolean classPathFromFlags = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (name.equals("-cp")) {
        name = "--class-path"; // as the CLI's other commands and java spell it
      }
      if (!List.of("--port", "--host", "--journal", "--token", "--cors-origin", "--class-path",
          "--max-body-bytes", "--retention-days", "--lease-seconds").contains(name)) {
        throw new IllegalArgumentException("unknown option '" + arg + "'\n" + usage());
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("option " + name + " needs a value\n" + usage());
        }
        value = args.get(++i);
      }
      switch (name) {
        case "--port" -> port = intValue(name, value, port);
        case "--host" -> host = value;
        case "--journal" -> journal = Path.of(value);
        case "--token" -> token = emptyToNull(value);
        case "--cors-origin" -> {
          if (!corsFromFlags) {
            cors.clear();
            corsFromFlags = true;
          }
          cors.add(value);
        }
        case "--class-path" -> {
          if (!classPathFromFlags) {
            classPath.clear();
            classPathFromFlags = true;
          }
          classPath.add(Path.of(value));
        }
        case "--max-body-bytes" -> maxBody = longValue(name, value, maxBody);
        case "--retention-days" -> retention = intValue(name, value, retention);
        case "--lease-seconds" -> lease = intValue(name, value, lease);
        default -> throw new AssertionError(name);
      }
    }
    return new ServerOptions(port, host, journal, token, cors, classPath, maxBody, retention,
        lease);
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static List<String> split(String value, String separator) {
    List<String> parts = new ArrayList<>();
    if (value != null) {
      for (String part : value.split(java.util.regex.Pattern.quote(separator))) {
        if (!part.isBlank()) {
          parts.add(part.strip());
        }
      }
    }
    return parts;
  }

  private static int intValue(String name, String value, int fallback) {
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
    }
  }

  private static long longValue(String name, String value, long fallback) {
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
    }
  }

  @Override
  public String toString() {
    return "ServerOptions[port=" + port + ", host=" + host + ", journal=" + journal + ", token="
        + (token == null ? "none" : "****") + ", corsOrigins=" + corsOrigins + ", classPath="
        + classPath + ", maxBodyBytes=" + maxBodyBytes + ", retentionDays=" + retentionDays
        + ", leaseSeconds=" + leaseSeconds + "]";
  }
}
