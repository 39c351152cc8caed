package dev.fancy.server;

import dev.fancy.config.WorkflowCatalog;
import dev.fancy.run.WorkflowEngine;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Fancy's workflow service: the tracker's REST API, Server-Sent Events and the dashboard over
 * one {@link WorkflowEngine}, on Javalin (Jetty). A value you configure and start, as Javalin's
 * own {@code Javalin.create(...).start(port)}; closing it stops the HTTP server and the server's
 * tables but not the engine, which the caller owns.
 *
 * <pre>{@code
 * try (FancyServer server = FancyServer.builder().engine(engine).port(0).start()) {
 *   URI api = server.uri();   // http://127.0.0.1:<port>/
 * }
 * }</pre>
 *
 * <p>Runs are reached only through the engine contract. The catalog of named workflows,
 * idempotency keys and orders live in the server's own tables ({@link Builder#catalog(Path)}).
 */
public final class FancyServer implements AutoCloseable {

  /** A route the server answers: method and Javalin path (e.g. {@code /runs/{id}}). */
  public record Route(String method, String path) {}

  private final Javalin app;
  private final Catalog catalog;
  private final Api api;
  private final List<Route> routes;
  private final String host;

  private FancyServer(Javalin app, Catalog catalog, Api api, List<Route> routes, String host) {
    this.app = app;
    this.catalog = catalog;
    this.api = api;
    this.routes = routes;
    this.host = host;
  }

  /** A builder with {@link ServerOptions#DEFAULT}'s settings (port 8080 on 127.0.0.1). */
  public static Builder builder() {
    return new Builder();
  }

  /** The port the server listens on (the chosen one when started on port 0). */
  public int port() {
    return app.port();
  }

  /** The server's base URI, ending in {@code /}. */
  public URI uri() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    if (h.equals("0.0.0.0")) {
      h = "127.0.0.1";
    }
    return URI.create("http://" + h + ":" + port() + "/");
  }

  /** Every route the server registered, in registration order (static files excepted). */
  public List<Route> routes() {
    return routes;
  }

  /** Whether {@code GET /health/ready} answers 200. */
  public boolean ready() {
    return api.ready();
  }

  /** Stops the HTTP server (closing open event streams) and the server's tables. */
  @Override
  public void close() {
    api.close();
    app.stop();
    catalog.close();
  }

  /** Configures and starts a {@link FancyServer}. */
  public static final class Builder {
    private WorkflowEngine engine;
    private ServerOptions options = ServerOptions.DEFAULT;
    private Path catalog;
    private boolean catalogSet;
    private boolean optionsSet;
    private CompletionStage<?> ready = CompletableFuture.completedFuture(null);
    private java.util.function.Consumer<io.micrometer.core.instrument.MeterRegistry> meters =
        registry -> { };
    private RunMetrics runMetrics;
    private WorkflowCatalog definitions;

    private Builder() {}

    /** The engine runs go to (required); the server does not close it. */
    public Builder engine(WorkflowEngine engine) {
      this.engine = Objects.requireNonNull(engine, "engine == null");
      return this;
    }

    /**
     * Port, host, token, CORS origins and body limit from {@code options}; the catalog goes into
     * {@link ServerOptions#journal()} unless {@link #catalog(Path)} says otherwise.
     */
    public Builder options(ServerOptions options) {
      this.options = Objects.requireNonNull(options, "options == null");
      this.optionsSet = true;
      return this;
    }

    /** The port, 0 for any free one. */
    public Builder port(int port) {
      this.options = options.withPort(port);
      return this;
    }

    /**
     * The SQLite file of the server's tables, usually the durable journal's file; null keeps them
     * in memory (for an in-memory engine). Default: in memory, unless {@link #options} is set.
     */
    public Builder catalog(Path file) {
      this.catalog = file;
      this.catalogSet = true;
      return this;
    }

    /**
     * When the server is ready: {@code GET /health/ready} answers 503 until {@code ready}
     * completes (e.g. when the durable engine has recovered interrupted runs), then 200; 503
     * again if it completed exceptionally. Default: ready at once.
     */
    public Builder ready(CompletionStage<?> ready) {
      this.ready = Objects.requireNonNull(ready, "ready == null");
      return this;
    }

    /**
     * Adds meters of the embedding application to {@code GET /metrics}; called once at start.
     * (Over a {@code DurableEngine} the server adds its journal's statistics itself:
     * {@code fancy_journal_transactions}, {@code _units}, {@code _busy_retries} and
     * {@code _queue_depth}.)
     */
    public Builder metrics(
        java.util.function.Consumer<io.micrometer.core.instrument.MeterRegistry> binder) {
      this.meters = Objects.requireNonNull(binder, "binder == null");
      return this;
    }

    /**
     * The run meters of {@code GET /metrics}, kept by {@code metrics} as a listener of every run
     * of the engine (give it to the engine's builder too: {@code
     * DurableEngine.builder(journal).listener(metrics)}). Without it the server counts only the
     * runs it starts through {@code POST /workflows/{id}/runs}. Closing the server closes these
     * meters; give each server its own.
     */
    public Builder runMetrics(RunMetrics metrics) {
      this.runMetrics = Objects.requireNonNull(metrics, "metrics == null");
      return this;
    }

    /**
     * The workflows the server offers by name besides the ones posted to {@code POST
     * /workflows}: {@code GET /workflows} lists each with {@code shape} {@code definition}, its
     * definition name as {@code id} and {@code name} and the class that provides it as {@code
     * source}; {@code POST /workflows/{name}/runs} starts it, labelled {@code
     * fancy.workflow_id=<name>} and journaled under that workflow name, as {@code fancy run
     * <name>} does. A definition that does not build (its workflow carries another name, or
     * its method throws) is logged (logger {@code dev.fancy.server.definitions}), listed with
     * its {@code error}, and refused with a 422. {@code java -jar fancy-server.jar} passes
     * {@code WorkflowCatalog.load(loader)} over its {@code --class-path}. Default: none.
     */
    public Builder workflows(WorkflowCatalog catalog) {
      this.definitions = Objects.requireNonNull(catalog, "catalog == null");
      return this;
    }

    /**
     * Starts the server; it listens when this returns.
     *
     * @throws IllegalStateException if no engine is set
     * @throws IllegalArgumentException if the options are unsafe (a non-loopback host without a
     *     token)
     * @throws io.javalin.util.JavalinBindException if the port is taken
     */
    public FancyServer start() {
      if (engine == null) {
        throw new IllegalStateException("no engine: call engine(...) before start()");
      }
      options.requireSafe();
      Path file = catalogSet ? catalog : optionsSet ? options.journal() : null;
      Catalog tables = Catalog.open(file);
      List<Route> routes = Collections.synchronizedList(new ArrayList<>());
      Api api;
      try {
        api = new Api(engine, tables, options, ready, file, runMetrics, definitions);
        api.bindMetrics(meters);
      } catch (RuntimeException e) {
        tables.close();
        throw e;
      }
      Catalog opened = tables;
      Javalin app;
      try {
        app = Javalin.create(config -> {
          config.startup.showJavalinBanner = false;
          config.startup.showOldJavalinVersionWarning = false;
          config.events.handlerAdded(meta -> {
            HandlerType type = meta.getHttpMethod();
            if (type.isHttpMethod() && !type.name().equals("HEAD")
                && !type.name().equals("OPTIONS")) {
              routes.add(new Route(type.name(), meta.getPath()));
            }
          });
          api.configure(config);
        });
        app.start(options.host(), options.port());
      } catch (RuntimeException e) {
        api.close();
        opened.close();
        throw e;
      }
      return new FancyServer(app, opened, api, List.copyOf(routes), options.host());
    }
  }
}
