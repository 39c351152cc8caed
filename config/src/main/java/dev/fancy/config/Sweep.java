package dev.fancy.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.run.Inputs;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one workflow over the configs of a {@link ConfigGenerator} on any engine of the contract
 * ({@link WorkflowEngine}), one after another or {@link #parallelism(int) n at a time}, and
 * returns a {@link SweepResult} with one row per config.
 *
 * <p>Each config is bound to the workflow's inputs first ({@link Config#resolve}); a config that
 * does not fit is an {@link SweepResult.Status#INVALID} row, not an exception, and the other
 * configs still run. Each run is labelled with the config's labels plus {@value #SWEEP_LABEL}
 * (the sweep's name) and {@value #INDEX_LABEL} (the config's number from 1), so a durable
 * journal shows which run belongs to which config. Configs are taken from the generator as
 * workers free up: a sweep over a huge grid holds only its rows, never the configs ahead.
 *
 * <pre>{@code
 * SweepResult result = Sweep.of(engine, workflow, ConfigFile.load(file).configs())
 *     .parallelism(2).timeout(Duration.ofMinutes(5)).onRow(row -> log(row)).run();
 * System.out.print(result.table());
 * }</pre>
 */
public final class Sweep {

  /** The label that holds the sweep's name. */
  public static final String SWEEP_LABEL = "sweep";
  /** The label that holds a config's number in its sweep, from 1. */
  public static final String INDEX_LABEL = "sweep.index";

  private final WorkflowEngine engine;
  private final Workflow workflow;
  private final ConfigGenerator configs;
  private int parallelism = 1;
  private Duration timeout;
  private String name;
  private List<String> outputs;
  private Consumer<SweepResult.Row> onRow = row -> {};
  private Map<Long, SweepResult.Row> done = Map.of();
  private Map<Long, UUID> interrupted = Map.of();
  private ProcessIsolation isolation;
  private boolean resume;
  private ProcessPool pool;

  private Sweep(WorkflowEngine engine, Workflow workflow, ConfigGenerator configs) {
    this.engine = Objects.requireNonNull(engine, "engine == null");
    this.workflow = Objects.requireNonNull(workflow, "workflow == null");
    this.configs = Objects.requireNonNull(configs, "configs == null");
  }

  /** A sweep of {@code workflow} over {@code configs} on {@code engine}, one at a time. */
  public static Sweep of(WorkflowEngine engine, Workflow workflow, ConfigGenerator configs) {
    return new Sweep(engine, workflow, configs);
  }

  /**
   * Runs up to {@code n} configs at once (default 1).
   *
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public Sweep parallelism(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("parallelism " + n + " < 1");
    }
    this.parallelism = n;
    return this;
  }

  /**
   * Stops a config's run that has not ended after {@code timeout}: the run's deadline
   * ({@code RunOptions.deadline}, so a step deaf to the interrupt is abandoned after the run's
   * cancel grace), and {@link RunHandle#cancel} on an engine that has no deadlines; its row is
   * {@link SweepResult.Status#TIMED_OUT}.
   */
  public Sweep timeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout " + timeout + " must be positive");
    }
    this.timeout = timeout;
    return this;
  }

  /** Labels every run {@value #SWEEP_LABEL}={@code name} (default: a random ID). */
  public Sweep name(String name) {
    this.name = Objects.requireNonNull(name, "name == null");
    return this;
  }

  /**
   * Records only these outputs (cell aliases) in the rows; by default every output of the
   * workflow.
   */
  public Sweep outputs(List<String> aliases) {
    this.outputs = List.copyOf(aliases);
    return this;
  }

  /** Calls {@code listener} with each row as its config ends (from a sweep thread). */
  public Sweep onRow(Consumer<SweepResult.Row> listener) {
    this.onRow = Objects.requireNonNull(listener, "listener == null");
    return this;
  }

  /**
   * Rows from an earlier attempt at this sweep, by index: configs whose row succeeded are not
   * run again and appear as {@link SweepResult.Status#SKIPPED}.
   */
  public Sweep resumeFrom(Map<Long, SweepResult.Row> earlier) {
    this.done = Map.copyOf(earlier);
    return this;
  }

  /** How many runs of an earlier attempt this sweep waits for (once {@link #run()} began). */
  public int attached() {
    return interrupted.size();
  }

  /**
   * Runs of an earlier attempt at this sweep that never ended (their process died), by config
   * index: instead of starting these configs again, the sweep waits for their runs, which a
   * durable engine takes over once their lease runs out, so their committed steps are not
   * executed again.
   */
  public Sweep attach(Map<Long, UUID> runs) {
    this.interrupted = Map.copyOf(runs);
    return this;
  }

  /**
   * Runs each config in a child JVM of a warm pool of {@code parallelism} children instead of
   * on the engine of this process (which then only checks configs); see {@link ProcessIsolation}.
   */
  public Sweep isolate(ProcessIsolation isolation) {
    this.isolation = Objects.requireNonNull(isolation, "isolation == null");
    return this;
  }

  /**
   * Continues earlier attempts at this sweep on the same engine (a durable journal): configs
   * whose run succeeded are not run again ({@link SweepResult.Status#SKIPPED} rows with their
   * outputs), and runs that never ended because their process died are waited for, not started
   * again (a durable engine takes them over when their lease runs out). Earlier attempts are
   * found by the sweep's {@link #name}, which defaults to {@link #nameOf} when resuming.
   */
  public Sweep resume() {
    this.resume = true;
    return this;
  }

  /**
   * A name that is the same for the same workflow and configs: {@code <workflow name>-<16 hex
   * digits of a SHA-256 over the configs>} (at most the first 10⁶ configs are hashed).
   */
  public static String nameOf(Workflow workflow, ConfigGenerator configs) {
    return SweepResume.name(workflow, configs);
  }

  /**
   * The sweep's name: the one given; else, when resuming, {@link #nameOf}; else a random ID
   * chosen now.
   */
  public String name() {
    if (name == null) {
      name = resume ? nameOf(workflow, configs) : UUID.randomUUID().toString();
    }
    return name;
  }

  /**
   * Runs every config and waits for all of them.
   *
   * @throws IllegalStateException if the engine is closed
   */
  public SweepResult run() {
    if (resume) {
      SweepResume.Earlier earlier = SweepResume.earlier(engine, name(), configs);
      Map<Long, SweepResult.Row> succeeded = new java.util.HashMap<>(earlier.succeeded());
      succeeded.putAll(done);
      done = succeeded;
      Map<Long, UUID> unfinished = new java.util.HashMap<>(earlier.interrupted());
      unfinished.putAll(interrupted);
      interrupted = unfinished;
    }
    if (isolation == null) {
      return runAll();
    }
    try (ProcessPool children = new ProcessPool(isolation, workflow.toJson())) {
      pool = children;
      return runAll();
    } finally {
      pool = null;
    }
  }

  private SweepResult runAll() {
    long started = System.nanoTime();
    String sweepName = name();
    List<SweepResult.Row> rows = Collections.synchronizedList(new ArrayList<>());
    Consumer<SweepResult.Row> record = row -> {
      rows.add(row);
      onRow.accept(row);
    };
    if (parallelism == 1) {
      long index = 0;
      for (Config config : configs) {
        index++;
        record.accept(guarded(index, config, sweepName));
      }
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(parallelism, runnable -> {
        Thread thread = new Thread(runnable, "fancy-sweep");
        thread.setDaemon(true);
        return thread;
      });
      Semaphore slots = new Semaphore(parallelism);
      try {
        long index = 0;
        for (Config config : configs) {
          long number = ++index;
          slots.acquireUninterruptibly();
          pool.execute(() -> {
            try {
              record.accept(guarded(number, config, sweepName));
            } finally {
              slots.release();
            }
          });
        }
        slots.acquireUninterruptibly(parallelism);
      } finally {
        pool.shutdown();
        try {
          pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return new SweepResult(rows, Duration.ofNanos(System.nanoTime() - started));
  }

  /** {@link #runOne}, with an unexpected error (a journal that fails) as a failed row. */
  private SweepResult.Row guarded(long index, Config config, String sweepName) {
    long started = System.nanoTime();
    try {
      return runOne(index, config, sweepName);
    } catch (RuntimeException e) {
      return new SweepResult.Row(index, config, SweepResult.Status.FAILED, null,
          Duration.ofNanos(System.nanoTime() - started), Map.of(), oneLine(e));
    }
  }

  private SweepResult.Row runOne(long index, Config config, String sweepName) {
    SweepResult.Row earlier = done.get(index);
    if (earlier != null && earlier.ok()) {
      return new SweepResult.Row(index, config, SweepResult.Status.SKIPPED, earlier.runId(),
          Duration.ZERO, earlier.outputs(), null);
    }
    long started = System.nanoTime();
    UUID unfinished = interrupted.get(index);
    if (unfinished != null) {
      return awaitRun(index, config, engine.handle(unfinished), started);
    }
    Inputs inputs;
    try {
      inputs = config.toInputs(workflow, engine.codec());
      if (pool != null) {
        com.fasterxml.jackson.databind.node.ObjectNode json =
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        inputs.asMap().forEach((name, value) -> json.set(name, engine.codec().toTree(value)));
        Map<String, String> labels = new LinkedHashMap<>(config.labels());
        labels.put(SWEEP_LABEL, sweepName);
        labels.put(INDEX_LABEL, Long.toString(index));
        return pool.run(index, config, json, labels, timeout);
      }
    } catch (ConfigException e) {
      return new SweepResult.Row(index, config, SweepResult.Status.INVALID, null,
          Duration.ofNanos(System.nanoTime() - started), Map.of(),
          String.join("; ", e.problems()));
    }
    RunOptions.Builder options = RunOptions.builder();
    config.labels().forEach(options::label);
    options.label(SWEEP_LABEL, sweepName).label(INDEX_LABEL, Long.toString(index));
    if (timeout != null) {
      // The engine stops the run itself, and abandons a step deaf to the interrupt after the
      // run's cancel grace, so a hung config never holds up the sweep.
      options.deadline(timeout);
    }
    RunHandle handle;
    try {
      handle = engine.start(workflow, inputs, options.build());
    } catch (RuntimeException e) {
      return new SweepResult.Row(index, config, SweepResult.Status.INVALID, null,
          Duration.ofNanos(System.nanoTime() - started), Map.of(), oneLine(e));
    }
    return awaitRun(index, config, handle, started);
  }

  private SweepResult.Row awaitRun(long index, Config config, RunHandle handle, long started) {
    boolean timedOut = false;
    if (timeout != null && !handle.await(timeout).isFinal()) {
      timedOut = handle.cancel("timed out after " + timeout);
    }
    RunResult result;
    try {
      result = handle.result();
    } catch (UsageLimitExceededException e) {
      result = e.result();
    }
    timedOut |= result.info().error() != null
        && ErrorInfo.DEADLINE.equals(result.info().error().type());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    return row(index, config, result, took, timedOut, outputs, engine);
  }

  /** The row of a finished run. */
  static SweepResult.Row row(long index, Config config, RunResult result, Duration took,
      boolean timedOut, List<String> chosen, WorkflowEngine engine) {
    RunStatus status = result.status();
    if (status == RunStatus.SUCCEEDED) {
      Map<String, JsonNode> values = new LinkedHashMap<>();
      for (Map.Entry<Cell<?>, Object> output : result.outputs().entrySet()) {
        String alias = output.getKey().alias();
        if (chosen == null || chosen.contains(alias)) {
          values.put(alias, engine.codec().toTree(output.getValue()));
        }
      }
      return new SweepResult.Row(index, config, SweepResult.Status.SUCCEEDED, result.runId(),
          took, values, null);
    }
    SweepResult.Status outcome = timedOut ? SweepResult.Status.TIMED_OUT
        : status == RunStatus.CANCELLED ? SweepResult.Status.CANCELLED
        : SweepResult.Status.FAILED;
    String error = result.info().error() == null ? status.toString()
        : result.info().error().toString();
    return new SweepResult.Row(index, config, outcome, result.runId(), took, Map.of(),
        firstLine(error));
  }

  static String oneLine(Throwable e) {
    return firstLine(e.getMessage() == null ? e.getClass().getName() : e.getMessage());
  }

  private static String firstLine(String text) {
    String stripped = text.strip();
    int newline = stripped.indexOf('\n');
    return newline < 0 ? stripped : stripped.substring(0, newline) + " ...";
  }
}
