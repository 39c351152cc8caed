package dev.fancy.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.registry.RegisteredStep;
import dev.fancy.run.EventSubscription;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunNotFoundException;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunPage;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.server.tracker.TrackerDefinition;
import dev.fancy.value.Blob;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The routes: every handler of the REST API, the event stream and the health checks. */
final class Api implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FancyServer.class);
  static final String PROBLEM_JSON = "application/problem+json";
  /** The {@code shape} of a workflow a {@code @WorkflowDefinition} on the class path provides. */
  static final String DEFINITION_SHAPE = "definition";
  private static final Pattern QUOTED = Pattern.compile("'([^']+)'");
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);
  /**
   * How long an event stream gathers events after one arrives before it writes them (as Kafka's
   * {@code linger.ms}): under load a run's events go out in one or two writes instead of one
   * each, and a watcher sees an event at most this much later. The stream's thread sleeps
   * through it rather than waking for each event that arrives (a wake-up per event per stream
   * cost as much as the writes saved).
   */
  private static final Duration LINGER = Duration.ofMillis(25);
  /** How often an event stream checks, after the final event, whether the run's status says so. */
  private static final Duration POLL = Duration.ofMillis(100);
  /** Put in an event stream's queue to end it when the server stops. */
  private static final RunEvent STOP = new RunEvent(Long.MAX_VALUE, new UUID(0, 0),
      Instant.EPOCH, RunEvent.Type.RUN_FINISHED, null, null, 0, null, null, null, null, null);

  private final WorkflowEngine engine;
  private final Catalog catalog;
  private final ServerOptions options;
  private final CompletionStage<?> readySignal;
  private final Map<String, WorkflowEntry> workflows = new ConcurrentHashMap<>();
  /**
   * The workflow ID of each run started through this server, by run ID, the most recent
   * {@link #STARTED_RUNS}: an event stream of such a run names its steps without reading the
   * run's whole history first (with 100 streams under load, that read was most of a stream's
   * cost). Runs started elsewhere, or before a restart, read it.
   */
  private final Map<UUID, String> startedRuns = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, String> eldest) {
          return size() > STARTED_RUNS;
        }
      });
  private static final int STARTED_RUNS = 10_000;
  /**
   * The {@code @WorkflowDefinition} (and {@code WorkflowProvider}) workflows of the class path,
   * by definition name, which is also their ID in the routes; built once at start.
   */
  private final Map<String, WorkflowEntry> definitions = new java.util.TreeMap<>();
  /** The class that provides each of {@link #definitions} and {@link #brokenDefinitions}. */
  private final Map<String, String> definitionSources = new java.util.TreeMap<>();
  /**
   * The definitions of the class path that did not build a workflow (one named otherwise, or a
   * method that threw), with what went wrong: listed with it, refused with a 422.
   */
  private final Map<String, String> brokenDefinitions = new java.util.TreeMap<>();
  /** Says which definitions of the class path are not offered, and why. */
  private static final Logger DEFINITIONS = LoggerFactory.getLogger("dev.fancy.server.definitions");
  private final Map<UUID, Map<UUID, ObjectNode>> previews =
      java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Map<UUID, ObjectNode>> eldest) {
          return size() > 256;
        }
      });
  private final RunMetrics runMetrics;
  /** Whether {@link #runMetrics} listens to every run of the engine (else: runs started here). */
  private final boolean engineWideMetrics;
  private final PrometheusMeterRegistry metrics;
  /** Runs now PENDING or RUNNING in the journal, by status; read at each scrape. */
  private final Map<RunStatus, java.util.concurrent.atomic.AtomicLong> current =
      new java.util.EnumMap<>(RunStatus.class);
  private final Set<AutoCloseable> streams = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final byte[] token;
  private final Orders orders;
  /** Writes output values as the engine's codec does, streaming to the response. */
  private final com.fasterxml.jackson.databind.ObjectMapper valueMapper;

  /**
   * The routes over {@code engine}.
   *
   * @param runMetrics meters a listener of every run of the engine keeps, or null to keep them
   *     only for runs started through {@code POST /workflows/{id}/runs}
   * @param named the workflows of the class path by definition name, or null for none; one
   *     that does not build (a workflow named otherwise, a method that throws) is logged and
   *     listed with its error, and refused when started
   */
  Api(WorkflowEngine engine, Catalog catalog, ServerOptions options, CompletionStage<?> ready,
      java.nio.file.Path file, RunMetrics runMetrics, dev.fancy.config.WorkflowCatalog named) {
    this.engine = engine;
    if (named != null) {
      Instant now = Instant.now();
      for (String name : named.names()) {
        definitionSources.put(name, named.source(name).orElseThrow());
        try {
          Workflow workflow = named.get(name);
          String json = workflow.toJson();
          definitions.put(name, new WorkflowEntry(new Catalog.StoredWorkflow(name, name,
              DEFINITION_SHAPE, json, json, now), workflow));
        } catch (RuntimeException e) {
          String problem = e instanceof WorkflowValidationException invalid
              && !invalid.problems().isEmpty() ? String.join("; ", invalid.problems())
              : String.valueOf(e.getMessage());
          brokenDefinitions.put(name, problem);
          DEFINITIONS.warn("workflow definition '{}' of {} is not offered: {}", name,
              definitionSources.get(name), problem);
        }
      }
    }
    this.engineWideMetrics = runMetrics != null;
    this.runMetrics = runMetrics != null ? runMetrics : new RunMetrics();
    this.metrics = this.runMetrics.registry;
    for (RunStatus status : List.of(RunStatus.PENDING, RunStatus.RUNNING)) {
      var count = new java.util.concurrent.atomic.AtomicLong();
      current.put(status, count);
      io.micrometer.core.instrument.Gauge.builder("fancy_runs_current", count,
          java.util.concurrent.atomic.AtomicLong::get).tag("status", status.name())
          .description("Runs of the journal in this status now (any process's)")
          .register(metrics);
    }
    this.orders = new Orders(engine, catalog, file);
    this.catalog = catalog;
    this.options = options;
    this.readySignal = ready;
    this.token = options.token() == null ? null
        : options.token().getBytes(StandardCharsets.UTF_8);
    metrics.gauge("fancy_sse_clients", streams, Set::size);
    if (engine instanceof dev.fancy.engine.DurableEngine durable) {
      // The journal's writer: commits, group-commit batches, lock waits, and the units waiting
      // for their commit now (its queue depth).
      var journal = durable.journal();
      metrics.gauge("fancy_journal_transactions", journal, j -> j.statistics().transactions());
      metrics.gauge("fancy_journal_units", journal, j -> j.statistics().units());
      metrics.gauge("fancy_journal_busy_retries", journal, j -> j.statistics().busyRetries());
      metrics.gauge("fancy_journal_queue_depth", journal, j -> j.statistics().queueDepth());
    }
    this.valueMapper = engine.codec().newMapper();
  }

  void bindMetrics(java.util.function.Consumer<io.micrometer.core.instrument.MeterRegistry> b) {
    b.accept(metrics);
  }

  boolean ready() {
    var future = readySignal.toCompletableFuture();
    return future.isDone() && !future.isCompletedExceptionally();
  }

  void configure(JavalinConfig config) {
    config.http.maxRequestSize = options.maxBodyBytes();
    config.http.prefer405over404 = true;
    // Jetty reuses header fields of earlier requests on a connection through a cache that
    // ignores case by default: "Bearer abC" would arrive as an earlier "Bearer abc".
    config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
    config.jsonMapper(new io.javalin.json.JavalinJackson(Json.MAPPER, false));
    // Javalin's pool, with idle threads let go after 10 s instead of 60 s, all at once (Jetty
    // lets go of one per 10 s by default, so a hundred threads of a burst lingered for minutes).
    var threads = new org.eclipse.jetty.util.thread.QueuedThreadPool(250, 8, 10_000);
    threads.setMaxEvictCount(250);
    threads.setName("fancy-http");
    config.jetty.threadPool = threads;
    config.staticFiles.add(files -> {
      files.hostedPath = "/";
      files.directory = "/dev/fancy/server/dashboard";
      files.location = Location.CLASSPATH;
    });
    config.staticFiles.enableWebjars();
    if (!options.corsOrigins().isEmpty()) {
      config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
        rule.allowCredentials = false;
        for (String origin : options.corsOrigins()) {
          rule.allowHost(origin);
        }
        rule.exposeHeader("Location");
      }));
    }
    var r = config.routes;
    r.before(this::authorize);
    r.exception(ApiProblem.class, (e, ctx) -> problem(ctx, e));
    r.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, translate(e)));
    r.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      problem(ctx, new ApiProblem(500, "internal", "Internal server error", "the server failed "
          + "to answer; its log has the details", "try again; if it keeps failing, report it with "
          + "the server's log around this time", List.of()));
    });
    r.error(404, ctx -> {
      if (ctx.result() == null || !isProblem(ctx)) {
        problem(ctx, new ApiProblem(404, "not-found", "Not found", "no route " + ctx.method()
            + " " + ctx.path(), "GET /openapi.json lists every route", List.of()));
      }
    });
    r.error(405, ctx -> {
      if (!isProblem(ctx)) {
        problem(ctx, new ApiProblem(405, "method-not-allowed", "Method not allowed",
            ctx.method() + " is not allowed on " + ctx.path(), "GET /openapi.json lists every "
            + "route and its methods", List.of()));
      }
    });

    r.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
    r.get("/health/ready", ctx -> {
      boolean up = ready();
      ctx.status(up ? 200 : 503).json(Map.of("status", up ? "UP" : "RECOVERING"));
    });
    r.get("/metrics", ctx -> {
      countCurrentRuns();
      ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    });
    r.get("/openapi.json", ctx -> ctx.json(OpenApiDocument.json()));
    r.post("/workflows", this::createWorkflow);
    r.get("/workflows", this::listWorkflows);
    r.get("/workflows/{id}", ctx -> ctx.json(workflowView(entry(ctx.pathParam("id")))));
    r.post("/workflows/{id}/runs", this::startRun);
    r.get("/runs", this::listRuns);
    r.get("/runs/{id}", ctx -> ctx.json(runView(handle(ctx))));
    r.delete("/runs/{id}", this::deleteRun);
    r.get("/runs/{id}/steps/{step}/attempts", this::attempts);
    r.get("/runs/{id}/outputs/{output}", this::output);
    r.get("/runs/{id}/events", this::events);
    r.get("/runs/{id}/graph.svg", this::graph);
    r.post("/runs/{id}/cancel", this::cancel);
    r.post("/runs/{id}/resume", this::resume);
    r.get("/steps", ctx -> ctx.json(steps()));
    r.post("/orders", ctx -> {
      ObjectNode order = orders.place(Json.parse(ctx.bodyAsBytes(), true));
      ctx.header("Location", "/orders/" + order.get("id").asText()).status(201).json(order);
    });
    r.get("/orders/{id}", ctx -> ctx.json(orders.get(ctx.pathParam("id"))));
  }

  private static boolean isProblem(Context ctx) {
    String type = ctx.res().getContentType();
    return type != null && type.startsWith(PROBLEM_JSON);
  }

  private static ApiProblem translate(HttpResponseException e) {
    return switch (e.getStatus()) {
      case 413 -> new ApiProblem(413, "body-too-large", "Body too large", "the request body is "
          + "larger than the server's limit", "send a smaller body, or start the server with a "
          + "larger --max-body-bytes", List.of());
      case 404 -> new ApiProblem(404, "not-found", "Not found", e.getMessage(),
          "GET /openapi.json lists every route", List.of());
      case 405 -> new ApiProblem(405, "method-not-allowed", "Method not allowed",
          e.getMessage(), "GET /openapi.json lists every route and its methods", List.of());
      default -> new ApiProblem(e.getStatus() >= 400 && e.getStatus() < 600 ? e.getStatus() : 500,
          "http-" + e.getStatus(), "HTTP " + e.getStatus(), String.valueOf(e.getMessage()),
          "check the request's method, path, headers and body against GET /openapi.json",
          List.of());
    };
  }

  static void problem(Context ctx, ApiProblem p) {
    ObjectNode body = Json.object();
    body.put("type", p.type());
    body.put("title", p.title());
    body.put("status", p.status());
    body.put("detail", p.getMessage());
    body.put("instance", ctx.path());
    if (p.pointer() != null) {
      body.put("pointer", p.pointer());
    }
    if (p.hint() != null) {
      body.put("hint", p.hint());
    }
    if (!p.errors().isEmpty()) {
      ArrayNode errors = body.putArray("errors");
      for (ApiProblem.Error e : p.errors()) {
        errors.addObject().put("pointer", e.pointer()).put("detail", e.detail());
      }
    }
    if (p.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"fancy\"");
    }
    ctx.status(p.status()).contentType(PROBLEM_JSON).result(body.toString());
  }

  private void authorize(Context ctx) {
    if (token == null || ctx.path().startsWith("/health/") || isStaticAsset(ctx)
        || ctx.method().name().equals("OPTIONS")) {
      return;
    }
    String header = ctx.header("Authorization");
    byte[] given = header != null && header.startsWith("Bearer ")
        ? header.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
    // MessageDigest.isEqual compares in time that depends only on the lengths.
    if (!MessageDigest.isEqual(given, token)) {
      throw new ApiProblem(401, "unauthorized", "Unauthorized", header == null
          ? "this server needs an API token" : "the API token is wrong",
          "send Authorization: Bearer <token>", List.of());
    }
  }

  private static boolean isStaticAsset(Context ctx) {
    String path = ctx.path();
    return ctx.method().name().equals("GET") && (path.equals("/") || path.endsWith(".html")
        || path.startsWith("/assets/") || path.startsWith("/webjars/"));
  }

  // ---- workflows

  private void createWorkflow(Context ctx) {
    byte[] bytes = ctx.bodyAsBytes();
    JsonNode body = Json.parse(bytes, true);
    String id = UUID.randomUUID().toString();
    Instant now = Instant.now();
    Catalog.StoredWorkflow row;
    Workflow workflow;
    if (TrackerDefinition.isTrackerShape(body)) {
      TrackerDefinition definition = TrackerDefinition.parse(body);
      workflow = definition.toWorkflow();
      checkRegistered(workflow);
      row = new Catalog.StoredWorkflow(id, definition.name(), "tracker",
          definition.toJson().toString(), workflow.toJson(), now);
    } else {
      try {
        workflow = Workflow.fromJson(new String(bytes, StandardCharsets.UTF_8));
      } catch (WorkflowValidationException e) {
        throw invalid("invalid-workflow", "Invalid workflow", e, Set.of(),
            "see docs/workflow-json.md");
      }
      checkRegistered(workflow);
      row = new Catalog.StoredWorkflow(id, workflow.name(), "fancy", workflow.toJson(),
          workflow.toJson(), now);
    }
    catalog.insertWorkflow(row);
    workflows.put(id, new WorkflowEntry(row, workflow));
    ctx.header("Location", "/workflows/" + id).status(201).json(Views.workflow(row));
  }

  private void checkRegistered(Workflow workflow) {
    List<ApiProblem.Error> errors = new ArrayList<>();
    for (int i = 0; i < workflow.steps().size(); i++) {
      var step = workflow.steps().get(i);
      if (engine.registry().find(step.slug(), step.version()).isEmpty()) {
        List<Integer> versions = engine.registry().versions(step.slug());
        errors.add(new ApiProblem.Error("/steps/" + i + "/slug", "unknown step '" + step.slug()
            + "' version " + step.version() + (versions.isEmpty() ? "; no version is registered"
            : "; registered versions: " + versions)));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid("unknown-step", "Unknown step", errors, "GET /steps lists the "
          + "registered steps; add yours with --class-path");
    }
  }

  /**
   * A 422 from a validation exception; a problem whose first quoted name is one of
   * {@code fields} points at that field of the body.
   */
  private static ApiProblem invalid(String type, String title, WorkflowValidationException e,
      Set<String> fields, String hint) {
    List<ApiProblem.Error> errors = new ArrayList<>();
    for (String problem : e.problems()) {
      Matcher m = QUOTED.matcher(problem);
      String pointer = m.find() && fields.contains(m.group(1))
          ? "/" + m.group(1).replace("~", "~0").replace("/", "~1") : "";
      errors.add(new ApiProblem.Error(pointer, problem));
    }
    if (errors.isEmpty()) {
      errors.add(new ApiProblem.Error("", e.getMessage()));
    }
    return ApiProblem.invalid(type, title, errors, hint);
  }

  private void listWorkflows(Context ctx) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (String name : definitionSources.keySet()) {
      WorkflowEntry definition = definitions.get(name);
      if (definition != null) {
        list.add(workflowView(definition));
      } else {
        ObjectNode broken = list.addObject();
        broken.put("id", name);
        broken.put("name", name);
        broken.put("shape", DEFINITION_SHAPE);
        broken.put("source", definitionSources.get(name));
        broken.put("error", brokenDefinitions.get(name));
      }
    }
    for (Catalog.StoredWorkflow row : catalog.workflows()) {
      list.add(Views.workflow(row));
    }
    ObjectNode body = Json.object();
    body.set("workflows", list);
    ctx.json(body);
  }

  /** A workflow as the API shows it; a definition with the class that provides it. */
  private ObjectNode workflowView(WorkflowEntry entry) {
    ObjectNode node = Views.workflow(entry.row);
    String source = definitionSources.get(entry.row.id());
    if (source != null && entry.row.shape().equals(DEFINITION_SHAPE)) {
      node.put("source", source);
    }
    return node;
  }

  /** The workflow {@code id} names: a definition's name, else a posted workflow's ID. */
  WorkflowEntry entry(String id) {
    WorkflowEntry definition = definitions.get(id);
    if (definition != null) {
      return definition;
    }
    String broken = brokenDefinitions.get(id);
    if (broken != null) {
      throw ApiProblem.invalid("invalid-workflow", "Invalid workflow", List.of(
          new ApiProblem.Error("", "workflow definition '" + id + "' of "
              + definitionSources.get(id) + ": " + broken)), "fix the @WorkflowDefinition "
          + "method and restart the server");
    }
    WorkflowEntry cached = workflows.get(id);
    if (cached != null) {
      return cached;
    }
    Catalog.StoredWorkflow row = catalog.workflow(id)
        .orElseThrow(() -> ApiProblem.notFound("workflow", id));
    WorkflowEntry entry = new WorkflowEntry(row, Workflow.fromJson(row.workflow()));
    workflows.put(id, entry);
    return entry;
  }

  // ---- runs

  private void startRun(Context ctx) throws NoSuchAlgorithmException {
    WorkflowEntry entry = entry(ctx.pathParam("id"));
    byte[] bytes = ctx.bodyAsBytes();
    JsonNode body = Json.parse(bytes, false);
    Inputs inputs;
    try {
      inputs = engine.inputsFromJson(entry.workflow, body);
      engine.validate(entry.workflow, inputs);
    } catch (WorkflowValidationException e) {
      Set<String> names = new java.util.HashSet<>();
      entry.workflow.inputs().forEach(cell -> names.add(cell.alias()));
      if (body != null) {
        body.fieldNames().forEachRemaining(names::add);
      }
      throw invalid("invalid-inputs", "Invalid run inputs", e, names, "send a JSON object of "
          + "input name to value; GET /workflows/{id} shows the workflow's inputs");
    }
    RunOptions.Builder runOptions = RunOptions.builder()
        .label(Views.WORKFLOW_LABEL, entry.row.id()).listener(metricsListener());
    String key = ctx.header("Idempotency-Key");
    UUID runId = RunOptions.newRunId();
    if (key != null) {
      if (key.isBlank() || key.length() > 255) {
        throw new ApiProblem(400, "invalid-idempotency-key", "Invalid Idempotency-Key",
            "Idempotency-Key must be 1 to 255 characters", "use a fresh UUID per request",
            List.of(new ApiProblem.Error("", "bad Idempotency-Key header")));
      }
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
          body == null ? new byte[0] : body.toString().getBytes(StandardCharsets.UTF_8)));
      String[] claimed = catalog.claimRunRequest(entry.row.id(), key, hash, runId);
      if (!claimed[1].equals(hash)) {
        throw new ApiProblem(422, "idempotency-key-reused", "Idempotency-Key reused",
            "Idempotency-Key '" + key + "' was used with a different body",
            "use a new key for a different request", List.of(new ApiProblem.Error("",
            "the body differs from the first request with this key")));
      }
      UUID earlier = UUID.fromString(claimed[0]);
      if (!earlier.equals(runId)) {
        RunHandle existing = handleOrNull(earlier);
        if (existing != null) {
          accepted(ctx, existing, entry);
          return;
        }
        runId = earlier;
      }
      runOptions.runId(runId);
    } else {
      runOptions.runId(runId);
    }
    RunHandle handle;
    try {
      handle = engine.start(entry.workflow, inputs, runOptions.build());
    } catch (WorkflowValidationException e) {
      if (key != null) {
        catalog.releaseRunRequest(entry.row.id(), key, runId);
      }
      throw invalid("invalid-inputs", "Invalid run inputs", e, Set.of(), "send a JSON object "
          + "of input name to value that reads back as each input's type; GET /workflows/{id} "
          + "shows the workflow's inputs");
    }
    accepted(ctx, handle, entry);
  }

  private void accepted(Context ctx, RunHandle handle, WorkflowEntry entry) {
    startedRuns.put(handle.id(), entry.row.id());
    ctx.header("Location", "/runs/" + handle.id()).status(202)
        .json(Views.run(handle.history(), entry.stepNames, entry.outputNames, Map.of()));
  }

  private RunHandle handleOrNull(UUID id) {
    try {
      return engine.handle(id);
    } catch (RunNotFoundException e) {
      return null;
    }
  }

  /**
   * The listener that keeps the run meters for a run started here: none when the engine has
   * {@link #runMetrics} for every run already, else {@link #runMetrics} itself. It is handed to
   * the engine with the run's options, so events arrive in process as they happen (no
   * subscription that reads them back from the journal).
   */
  private dev.fancy.run.RunListener metricsListener() {
    return engineWideMetrics ? event -> { } : runMetrics;
  }

  /** Counts the journal's PENDING and RUNNING runs, a page at a time, into the gauges. */
  private void countCurrentRuns() {
    for (Map.Entry<RunStatus, java.util.concurrent.atomic.AtomicLong> e : current.entrySet()) {
      long n = 0;
      String cursor = null;
      do {
        RunQuery.Builder query = RunQuery.builder().status(e.getKey()).limit(RunQuery.MAX_LIMIT);
        if (cursor != null) {
          query.cursor(cursor);
        }
        RunPage page = engine.runs(query.build());
        n += page.runs().size();
        cursor = page.next();
      } while (cursor != null);
      e.getValue().set(n);
    }
  }

  private RunHandle handle(Context ctx) {
    String id = ctx.pathParam("id");
    UUID runId;
    try {
      runId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.notFound("run", id);
    }
    try {
      return engine.handle(runId);
    } catch (RunNotFoundException e) {
      throw ApiProblem.notFound("run", id);
    }
  }

  private WorkflowEntry entryOf(RunInfo info) {
    return entryOrNull(info.labels().get(Views.WORKFLOW_LABEL));
  }

  /** The workflow with this ID, or null if there is none (or the ID is null). */
  private WorkflowEntry entryOrNull(String workflowId) {
    if (workflowId == null) {
      return null;
    }
    try {
      return entry(workflowId);
    } catch (ApiProblem e) {
      return null;
    }
  }

  ObjectNode runView(RunHandle handle) {
    RunHistory history = handle.history();
    WorkflowEntry entry = entryOf(history.run());
    Map<UUID, String> names = entry == null ? Map.of() : entry.stepNames;
    Map<UUID, ObjectNode> shown = Map.of();
    if (history.run().status().isFinal()) {
      shown = previews.computeIfAbsent(handle.id(), id -> previews(handle));
    }
    return Views.run(history, names, entry == null ? Map.of() : entry.outputNames, shown);
  }

  private Map<UUID, ObjectNode> previews(RunHandle handle) {
    Map<UUID, ObjectNode> map = new LinkedHashMap<>();
    try {
      RunResult result = handle.result();
      for (Map.Entry<Cell<?>, Object> output : result.outputs().entrySet()) {
        Cell<?> cell = output.getKey();
        if (cell.producer() != null && !map.containsKey(cell.producer().id())) {
          map.put(cell.producer().id(), Views.preview(engine.codec().toTree(output.getValue())));
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("no output previews for run {}", handle.id(), e);
    }
    return map;
  }

  private void listRuns(Context ctx) {
    RunQuery.Builder query = RunQuery.builder();
    for (String status : ctx.queryParams("status")) {
      for (String one : status.split(",")) {
        try {
          query.status(RunStatus.valueOf(one.strip().toUpperCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw badParameter("status", "unknown status '" + one + "'; one of "
              + java.util.Arrays.toString(RunStatus.values()), "filter with status=RUNNING or "
              + "status=FAILED,CANCELLED (repeat it or separate statuses with commas)");
        }
      }
    }
    String workflowId = ctx.queryParam("workflow_id");
    if (workflowId != null) {
      query.label(Views.WORKFLOW_LABEL, workflowId);
    }
    String limit = ctx.queryParam("limit");
    int pageSize = 100;
    if (limit != null) {
      try {
        pageSize = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        pageSize = -1;
      }
      if (pageSize < 1 || pageSize > RunQuery.MAX_LIMIT) {
        throw badParameter("limit", "limit must be 1 to " + RunQuery.MAX_LIMIT + ", not '"
            + limit + "'", "leave limit out for pages of 100, or give a whole number from 1 to "
            + RunQuery.MAX_LIMIT);
      }
    }
    query.limit(pageSize);
    String cursor = ctx.queryParam("cursor");
    if (cursor != null) {
      query.cursor(cursor);
    }
    RunPage page;
    try {
      page = engine.runs(query.build());
    } catch (IllegalArgumentException e) {
      throw badParameter("cursor", "the cursor is not one this server gave out", "follow the "
          + "next link of the previous page as it is, or leave cursor out to start at the newest "
          + "run");
    }
    ArrayNode runs = Json.MAPPER.createArrayNode();
    for (RunInfo info : page.runs()) {
      runs.add(Views.run(info));
    }
    ObjectNode body = Json.object();
    body.set("runs", runs);
    if (page.next() != null) {
      StringBuilder next = new StringBuilder("/runs?limit=").append(pageSize);
      for (String status : ctx.queryParams("status")) {
        next.append("&status=").append(encode(status));
      }
      if (workflowId != null) {
        next.append("&workflow_id=").append(encode(workflowId));
      }
      next.append("&cursor=").append(encode(page.next()));
      body.put("next", next.toString());
      ctx.header("Link", "<" + next + ">; rel=\"next\"");
    } else {
      body.putNull("next");
    }
    ctx.json(body);
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A 400 for the query parameter or header {@code name}, with how to fix it. */
  private static ApiProblem badParameter(String name, String detail, String hint) {
    return new ApiProblem(400, "invalid-parameter", "Invalid query parameter", detail, hint,
        List.of(new ApiProblem.Error("", name + ": " + detail)));
  }

  private void attempts(Context ctx) {
    RunHandle handle = handle(ctx);
    String step = ctx.pathParam("step");
    RunHistory history = handle.history();
    WorkflowEntry entry = entryOf(history.run());
    for (StepRecord record : history.steps()) {
      String name = entry == null ? record.slug()
          : entry.stepNames.getOrDefault(record.stepId(), record.slug());
      if (name.equals(step) || record.stepId().toString().equals(step)) {
        ObjectNode body = Json.object();
        body.put("run_id", handle.id().toString());
        body.put("step", name);
        body.put("status", record.status().name());
        body.set("attempts", Views.attempts(record));
        ctx.json(body);
        return;
      }
    }
    throw new ApiProblem(404, "not-found", "Not found", "run " + handle.id() + " has no step '"
        + step + "'", "GET /runs/" + handle.id() + " lists the run's steps; use a step's id "
        + "(its name in the workflow) or step_id", List.of());
  }

  private void output(Context ctx) throws IOException {
    RunHandle handle = handle(ctx);
    String name = ctx.pathParam("output");
    RunInfo info = handle.history().run();
    WorkflowEntry entry = entryOf(info);
    Cell<?> cell = entry == null ? null : entry.output(name);
    if (cell == null) {
      throw new ApiProblem(404, "not-found", "Not found", "run " + handle.id() + " has no "
          + "output '" + name + "'", entry == null ? "only runs of catalog workflows (POST "
          + "/workflows/{id}/runs) have named outputs" : "its outputs are "
          + entry.outputs.keySet() + "; GET /runs/{id} lists them per step", List.of());
    }
    if (!info.status().isFinal()) {
      throw new ApiProblem(409, "run-not-finished", "Run not finished", "run "
          + handle.id() + " is " + info.status() + "; outputs are served once it ends",
          "watch GET /runs/{id}/events", List.of());
    }
    Object value;
    try {
      value = handle.result().get(cell);
    } catch (RuntimeException e) {
      throw new ApiProblem(404, "not-found", "Not found", "output '" + name + "' of run "
          + handle.id() + " has no value (its step did not succeed)", "GET /runs/{id} shows "
          + "the step's error; POST /runs/{id}/resume runs it again", List.of());
    }
    if (value instanceof Blob blob) {
      download(ctx, blob);
      return;
    }
    ctx.contentType("application/json");
    OutputStream out = ctx.outputStream();
    valueMapper.writeValue(out, value);
  }

  /**
   * Streams a blob's bytes as they are read from the journal (64 KiB at a time, never whole),
   * with its size as {@code Content-Length} and its SHA-256 as {@code ETag}. The bytes are
   * checked against the hash as they stream; a damaged blob cuts the response short (the client
   * sees fewer bytes than {@code Content-Length}) and is logged.
   */
  private static void download(Context ctx, Blob blob) throws IOException {
    // The servlet's own stream: Javalin's may buffer for compression.
    ctx.res().setStatus(200);
    ctx.res().setContentType("application/octet-stream");
    ctx.res().setContentLengthLong(blob.size());
    ctx.res().setHeader("ETag", "\"" + blob.sha256() + "\"");
    try (InputStream in = blob.openStream()) {
      OutputStream out = ctx.res().getOutputStream();
      in.transferTo(out);
      out.flush();
    } catch (RuntimeException e) {
      LOG.error("cannot stream {}: {}", blob, e.getMessage());
      throw new IOException("download of " + blob + " cut short: " + e.getMessage(), e);
    }
  }

  private void cancel(Context ctx) {
    RunHandle handle = handle(ctx);
    boolean going;
    try {
      going = handle.cancel("cancelled through the API");
    } catch (UnsupportedOperationException e) {
      throw new ApiProblem(409, "cannot-cancel", "Cannot cancel", e.getMessage(),
          "this engine cannot cancel runs; wait for the run to end", List.of());
    }
    if (!going) {
      throw new ApiProblem(409, "run-finished", "Run already finished", "run " + handle.id()
          + " has ended (" + handle.status() + "); there is nothing to cancel",
          "resume a failed or cancelled run with POST /runs/{id}/resume", List.of());
    }
    ctx.header("Location", "/runs/" + handle.id()).status(202).json(runView(handle));
  }

  /**
   * Deletes a finished run: 204; 404 for an unknown run, 409 for one that has not finished,
   * 501 if the engine cannot delete runs.
   */
  private void deleteRun(Context ctx) {
    RunHandle handle = handle(ctx);
    boolean deleted;
    try {
      deleted = engine.delete(handle.id());
    } catch (IllegalStateException e) {
      throw new ApiProblem(409, "run-not-finished", "Run not finished", "run " + handle.id()
          + " is " + handle.status() + "; only a finished run (SUCCEEDED, FAILED or "
          + "CANCELLED) can be deleted", "cancel it with POST /runs/{id}/cancel, or wait for "
          + "it to end", List.of());
    } catch (UnsupportedOperationException e) {
      throw new ApiProblem(501, "delete-not-supported", "Deletion not supported", e.getMessage(),
          null, List.of());
    }
    previews.remove(handle.id());
    if (!deleted) {
      throw ApiProblem.notFound("run", handle.id().toString());
    }
    ctx.status(204);
  }

  private void resume(Context ctx) {
    RunHandle handle = handle(ctx);
    RunHandle resumed;
    try {
      resumed = engine.resume(handle.id());
    } catch (IllegalStateException | UnsupportedOperationException e) {
      throw new ApiProblem(409, "cannot-resume", "Cannot resume", e.getMessage(),
          "only FAILED or CANCELLED runs resume", List.of());
    }
    previews.remove(handle.id());
    ctx.header("Location", "/runs/" + resumed.id()).status(202).json(runView(resumed));
  }

  // ---- events

  private void events(Context ctx) throws IOException, InterruptedException {
    RunHandle handle = handle(ctx);
    long from = 1;
    String last = ctx.header("Last-Event-ID");
    if (last == null) {
      last = ctx.queryParam("last_event_id");
    }
    if (last != null && !last.isBlank()) {
      try {
        from = Long.parseLong(last.strip()) + 1;
      } catch (NumberFormatException e) {
        throw badParameter("Last-Event-ID", "Last-Event-ID must be an event's id (a number), "
            + "not '" + last + "'", "send the id: of the last event received, or no "
            + "Last-Event-ID to get every event from the first");
      }
      if (from < 1) {
        from = 1;
      }
    }
    String workflowId = startedRuns.get(handle.id());
    WorkflowEntry entry;
    RunStatus status;
    if (workflowId != null) {
      entry = entryOrNull(workflowId);
      // From the first event the stream always has a final event to send: no need to look.
      status = from == 1 ? null : handle.status();
    } else {
      RunInfo info = handle.history().run();
      entry = entryOf(info);
      status = info.status();
    }
    Map<UUID, String> names = entry == null ? Map.of() : entry.stepNames;
    boolean nothingMore = status != null && status.isFinal() && handle.events(from).isEmpty();
    ctx.status(200).contentType("text/event-stream; charset=utf-8")
        .header("Cache-Control", "no-cache").header("X-Accel-Buffering", "no");
    // The servlet's own stream: Javalin's may buffer for compression.
    ctx.res().setStatus(200);
    ctx.res().setContentType("text/event-stream;charset=utf-8");
    OutputStream out = ctx.res().getOutputStream();
    out.write(("retry: 1000\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    if (nothingMore) {
      // The client saw the final event already: end the stream (a client that reconnects
      // with the final event's id gets an empty stream, not one that never ends).
      return;
    }
    // The stream follows the run through the contract: the engine hands each event to the
    // subscription (a durable engine as the event commits, for a run executing in this process;
    // by reading the journal for one executing elsewhere), which only queues it, and this
    // request's thread writes it.
    BlockingQueue<RunEvent> queue = new LinkedBlockingQueue<>();
    AutoCloseable stop = () -> queue.add(STOP);
    streams.add(stop);
    long next = from;
    EventSubscription subscription = handle.subscribe(next, queue::add);
    // Whether the last event written is the run's final one. A durable run's final event can be
    // readable a moment before its status is, so the end is checked again every POLL until the
    // status says so (or the run was resumed, and the stream follows on).
    boolean finalWritten = false;
    try {
      while (!closed.get()) {
        RunEvent event = queue.poll(finalWritten ? POLL.toMillis() : HEARTBEAT.toMillis(),
            TimeUnit.MILLISECONDS);
        if (event == STOP) {
          break;
        }
        if (event != null) {
          List<RunEvent> batch = linger(event, queue);
          for (RunEvent e : batch) {
            if (e == STOP) {
              return;
            }
            if (e.sequence() < next) {
              continue; // from the subscription before a resume
            }
            out.write(("id: " + e.sequence() + "\nevent: " + e.type().name().toLowerCase(
                java.util.Locale.ROOT) + "\ndata: " + Views.event(e, names) + "\n\n").getBytes(
                StandardCharsets.UTF_8));
            next = e.sequence() + 1;
            finalWritten = e.isFinal();
          }
          out.flush();
        } else if (!finalWritten) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        if (finalWritten) {
          if (handle.status().isFinal()) {
            break; // (resumed after this: the client reconnects with the last id, and follows)
          }
          if (!handle.events(next).isEmpty()) { // resumed after its final event: follow on
            subscription.close();
            subscription = handle.subscribe(next, queue::add);
            finalWritten = false;
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("event stream of run {} closed by the client", handle.id());
    } catch (RunNotFoundException e) {
      LOG.debug("event stream of run {} ended: the run was deleted", handle.id());
    } finally {
      subscription.close();
      streams.remove(stop);
    }
  }

  /**
   * {@code first} and whatever else arrives in {@code queue} within {@link #LINGER} of it (no
   * wait when what arrived ends with the run's final event or {@link #STOP}): one write for what
   * would be several.
   */
  private static List<RunEvent> linger(RunEvent first, BlockingQueue<RunEvent> queue)
      throws InterruptedException {
    List<RunEvent> batch = new ArrayList<>();
    batch.add(first);
    queue.drainTo(batch);
    RunEvent last = batch.get(batch.size() - 1);
    if (!last.isFinal() && last != STOP) {
      Thread.sleep(LINGER.toMillis());
      queue.drainTo(batch);
    }
    return batch;
  }

  // ---- graph

  private void graph(Context ctx) {
    RunHandle handle = handle(ctx);
    RunHistory history = handle.history();
    WorkflowEntry entry = entryOf(history.run());
    ctx.contentType("image/svg+xml").result(DagLayout.svg(history, entry == null ? null
        : entry.workflow, entry == null ? Map.of() : entry.stepNames));
  }

  // ---- steps

  private ObjectNode steps() {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (RegisteredStep d : engine.registry().steps()) {
      ObjectNode node = list.addObject();
      node.put("slug", d.slug());
      node.put("version", d.version());
      node.put("description", d.description());
      node.set("inputs", ports(d.contract().inputs()));
      node.set("outputs", ports(d.contract().outputs()));
    }
    ObjectNode body = Json.object();
    body.set("steps", list);
    return body;
  }

  private ArrayNode ports(List<Port> ports) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (Port port : ports) {
      ObjectNode node = list.addObject();
      node.put("name", port.name());
      node.put("type", port.type().name());
      node.put("kind", port.kind().name());
      node.set("schema", Schemas.of(engine.codec().javaType(port.type())));
    }
    return list;
  }

  @Override
  public void close() {
    closed.set(true);
    for (AutoCloseable stream : streams) {
      try {
        stream.close();
      } catch (Exception e) {
        LOG.debug("closing an event stream failed", e);
      }
    }
    metrics.close();
  }
}
