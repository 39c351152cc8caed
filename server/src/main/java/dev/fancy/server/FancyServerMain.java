package dev.fancy.server;

import dev.fancy.config.ConfigException;
import dev.fancy.config.UserClassPath;
import dev.fancy.config.WorkflowCatalog;
import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.journal.JournalException;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunStatus;
import io.javalin.util.JavalinBindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar fancy-server.jar [options]}: opens the durable journal, registers every
 * {@code @Step} module on the class path (the server's own tracker task, and the jars and
 * folders of {@code --class-path}), offers every {@code @WorkflowDefinition} there by name (as
 * the CLI's {@code fancy run NAME} finds it, through {@link WorkflowCatalog}), starts the
 * server, then recovers interrupted runs; the server reports ready once they are taken over. {@code Ctrl-C} stops it cleanly: the HTTP server stops,
 * the engine stops taking work (attempts in flight are left for recovery), the journal closes.
 * See {@link ServerOptions} for the flags and environment variables.
 */
public final class FancyServerMain {
  private static final Logger LOG = LoggerFactory.getLogger(FancyServerMain.class);

  private FancyServerMain() {}

  /**
   * Starts the server and returns; a shutdown hook stops it.
   *
   * @param args see {@link ServerOptions#usage()}
   */
  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(ServerOptions.usage());
      return;
    }
    ServerOptions options;
    try {
      options = ServerOptions.parse(List.of(args), System.getenv()).requireSafe();
    } catch (IllegalArgumentException e) {
      System.err.println("fancy-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      serve(options, new java.io.PrintWriter(System.out, true));
    } catch (ConfigException e) {
      System.err.println("fancy-server: " + e.getMessage());
      System.exit(2);
    } catch (RuntimeException | ServiceConfigurationError | LinkageError e) {
      // One line that says what to change; the stack trace only in the debug log.
      System.err.println("fancy-server: " + startupProblem(options, e));
      LOG.debug("startup failed", e);
      System.exit(1);
    }
  }

  /**
   * Starts a server with {@code options} (as {@code java -jar fancy-server.jar} and the CLI's
   * {@code fancy serve} do), prints the address it listens on to {@code out}, and stops it when
   * the JVM shuts down (Ctrl-C, SIGTERM). Returns once it listens; recovery of interrupted runs
   * goes on in the background.
   *
   * @return the server's base URI, such as {@code http://127.0.0.1:8080}
   * @throws ConfigException naming each {@code --class-path} entry that does not exist
   * @throws dev.fancy.journal.JournalException if the journal cannot be opened
   * @throws java.io.UncheckedIOException if the port is taken
   */
  public static java.net.URI serve(ServerOptions options, java.io.PrintWriter out) {
    Running running = start(options);
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "fancy-server-shutdown"));
    out.println("Fancy server listening on " + running.server.uri() + " (journal "
        + options.journal().toAbsolutePath() + ")");
    out.flush();
    return running.server.uri();
  }

  /**
   * What went wrong when starting with {@code options} failed with {@code e}, and how to fix it,
   * in one line: a port in use, a journal that cannot be opened, a bad {@code --class-path}
   * entry or step module, or anything else with its message.
   */
  static String startupProblem(ServerOptions options, Throwable e) {
    Throwable bind = e;
    while (bind != null && !(bind instanceof JavalinBindException)
        && !(bind instanceof java.net.BindException)) {
      bind = bind.getCause();
    }
    if (bind != null) {
      return "cannot listen on " + options.host() + ":" + options.port() + " (" + oneLine(bind)
          + "); is another server running there? Pick another port with --port N "
          + "(0 for any free one) or FANCY_PORT";
    }
    if (e instanceof JournalException journal) {
      return "cannot open the journal " + options.journal().toAbsolutePath() + ": " + oneLine(e)
          + (journal.reason() == JournalException.Reason.CORRUPT
          ? "; or start on another file with --journal FILE"
          : "; check that its folder exists and is writable, or pick another file with "
          + "--journal FILE");
    }
    if (e instanceof ServiceConfigurationError || e instanceof LinkageError) {
      return "cannot load the step modules" + (options.classPath().isEmpty() ? ""
          : " of --class-path " + options.classPath()) + ": " + oneLine(e) + "; check that "
          + "every jar was built for this Fancy version and Java " + Runtime.version().feature()
          + " or older";
    }
    if (e instanceof IllegalArgumentException) {
      return oneLine(e) + " (see --help)";
    }
    return "cannot start: " + oneLine(e) + " (run with "
        + "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug for the details)";
  }

  /** The message of {@code e}, or its type's simple name, on one line. */
  private static String oneLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName();
    }
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** A started server with the engine and journal it owns; closing stops all three. */
  static final class Running implements AutoCloseable {
    final FancyServer server;
    final DurableEngine engine;
    final Journal journal;
    final ScheduledExecutorService housekeeping;

    Running(FancyServer server, DurableEngine engine, Journal journal,
        ScheduledExecutorService housekeeping) {
      this.server = server;
      this.engine = engine;
      this.journal = journal;
      this.housekeeping = housekeeping;
    }

    @Override
    public void close() {
      LOG.info("stopping: the HTTP server, then the engine, then the journal");
      housekeeping.shutdownNow();
      server.close();
      engine.close();
      journal.close();
    }
  }

  /** Opens the journal and engine, starts the server, and recovers in the background. */
  static Running start(ServerOptions options) {
    requirePortFree(options);
    ClassLoader loader = loader(options.classPath());
    // Threads made from here on (Jetty's, the engine's) inherit it, so Jackson and
    // ServiceLoader see the user's classes there too, as in the CLI.
    Thread.currentThread().setContextClassLoader(loader);
    StepRegistry registry = StepRegistry.load(loader);
    // The @WorkflowDefinition workflows by name, found as the CLI finds them.
    WorkflowCatalog definitions = WorkflowCatalog.load(loader);
    Journal journal = Journal.open(options.journal());
    DurableEngine engine;
    RunMetrics runMetrics = new RunMetrics();
    try {
      engine = DurableEngine.builder(journal).registry(registry).listener(runMetrics)
          .lease(Duration.ofSeconds(options.leaseSeconds())).open();
    } catch (RuntimeException e) {
      journal.close();
      throw e;
    }
    CompletableFuture<Void> ready = new CompletableFuture<>();
    FancyServer server;
    try {
      server = FancyServer.builder().engine(engine).options(options).ready(ready)
          .runMetrics(runMetrics).workflows(definitions).start();
    } catch (RuntimeException e) {
      engine.close();
      journal.close();
      throw e;
    }
    ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fancy-server-housekeeping");
      t.setDaemon(true);
      return t;
    });
    housekeeping.execute(() -> recover(engine, options, ready));
    if (options.retentionDays() > 0) {
      housekeeping.scheduleWithFixedDelay(() -> {
        try {
          int deleted = journal.deleteRunsOlderThan(Duration.ofDays(options.retentionDays()));
          LOG.info("retention: deleted {} finished runs older than {} days", deleted,
              options.retentionDays());
        } catch (RuntimeException e) {
          LOG.warn("retention failed: {}", e.getMessage());
        }
      }, 1, 60 * 60, TimeUnit.SECONDS);
    }
    return new Running(server, engine, journal, housekeeping);
  }

  /**
   * Fails with a {@link java.net.BindException} if {@code options}' port is taken, before the
   * journal is opened and its runs recovered (Javalin would find out only after that, and log
   * the failure besides). Port 0 is always free.
   */
  private static void requirePortFree(ServerOptions options) {
    if (options.port() == 0) {
      return;
    }
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new java.net.InetSocketAddress(options.host(), options.port()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Takes over interrupted runs, then completes {@code ready}. A crashed process's runs stay
   * leased to it for up to one lease, so when unfinished runs exist at startup this waits one
   * lease before the last takeover.
   */
  static void recover(DurableEngine engine, ServerOptions options, CompletableFuture<Void> ready) {
    try {
      int taken = engine.recover();
      boolean unfinished = !engine.runs(RunQuery.builder().status(RunStatus.PENDING,
          RunStatus.RUNNING).limit(1).build()).runs().isEmpty();
      if (unfinished) {
        Thread.sleep(Duration.ofSeconds(options.leaseSeconds()).plusMillis(250).toMillis());
        taken += engine.recover();
      }
      LOG.info("recovery done: {} interrupted runs taken over", taken);
      ready.complete(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ready.completeExceptionally(e);
    } catch (RuntimeException e) {
      LOG.error("recovery failed", e);
      ready.completeExceptionally(e);
    }
  }

  /**
   * The user's classes of {@code --class-path} through the loader the CLI uses too
   * ({@link UserClassPath}: jars, folders, {@code lib/*}); the server's own loader if none.
   *
   * @throws ConfigException naming each entry that does not exist
   */
  private static ClassLoader loader(List<Path> classPath) {
    List<String> entries = new ArrayList<>();
    classPath.forEach(path -> entries.add(path.toString()));
    return UserClassPath.of(entries, null).loader(FancyServerMain.class.getClassLoader());
  }
}
