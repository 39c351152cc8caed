package dev.fancy.engine;

import com.fasterxml.jackson.databind.Module;
import dev.fancy.frame.Resources;
import dev.fancy.internal.core.Ticker;
import dev.fancy.internal.journal.DurableCore;
import dev.fancy.journal.JournalEffects;
import dev.fancy.journal.JournalException;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Capabilities;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunListener;
import dev.fancy.run.RunNotFoundException;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunPage;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Runs workflows durably on a {@code Journal}: {@link #start} records the run and returns its handle
 * at once, execution goes on in the background, and every step attempt is journaled, so a run
 * survives the process dying at any instant. Committed steps are never executed again: their
 * outputs come from the journal; steps that were mid-attempt get a new attempt.
 *
 * <p>Any number of processes on one machine may open durable engines on one journal file. Each
 * run is leased to one of them ({@code owner}, {@code epoch}, {@code lease_until}), renewed by a
 * heartbeat every third of the lease; every write for a run checks the lease in the same
 * transaction (fencing), so a process that lost a run (paused longer than its lease) cannot write
 * for it any more. Every engine keeps looking for runs whose lease ran out (their process died)
 * and takes them over, within about one lease period. A run always executes the definition it
 * started with; if a step's version is no longer registered, the run fails naming it instead of
 * mixing versions.
 *
 * <p>If the journal fails while a run executes (a full disk, a corrupt file, a lost lease), the
 * run stops in this process at once without further writes and stays resumable: its lease is no
 * longer renewed, so it is taken over again (here or elsewhere) once the journal can be written.
 * {@link #await} reports such a failure instead of waiting forever.
 *
 * <p>The promise of Temporal and DBOS, with an embedded SQLite journal and no server. See
 * docs/durability.md for the exact guarantees.
 */
public final class DurableEngine implements WorkflowEngine {

  private final Journal journal;
  private final DurableCore core;

  private DurableEngine(Journal journal, DurableCore core) {
    this.journal = journal;
    this.core = core;
  }

  /**
   * Opens a durable engine on {@code journal} with steps from {@code registry} and the defaults
   * of {@link #builder}, and resumes every run left running by a dead process.
   *
   * @throws JournalException only if the journal cannot be read at all
   */
  public static DurableEngine open(Journal journal, StepRegistry registry) {
    return builder(journal).registry(registry).open();
  }

  /** A builder of a durable engine on {@code journal}. */
  public static Builder builder(Journal journal) {
    return new Builder(Objects.requireNonNull(journal, "journal == null"));
  }

  /** This process's owner ID in run leases. */
  public String owner() {
    return core.owner();
  }

  /** The journal. */
  public Journal journal() {
    return journal;
  }

  /**
   * Attempts that timed out but whose code is still running because it ignores interrupts (see
   * {@link Engine#lingeringAttempts()}).
   */
  public int lingeringAttempts() {
    return core.lingeringAttempts();
  }

  /**
   * Records and starts a run; returns its handle at once. Every input is checked to be readable
   * back from its JSON (as a resumed run would read it) before anything is recorded. The options'
   * usage limits, labels and run ID are journaled; its context factory, context rule and
   * listeners apply while this process executes the run (a run resumed elsewhere gets that
   * engine's {@link Builder#defaults}). Starting with the ID of an existing run of the same
   * workflow and inputs returns that run and starts nothing (idempotent submission).
   *
   * @throws WorkflowValidationException if the workflow or inputs are invalid, or an input
   *     cannot be read back from JSON (the message names it and its type); nothing is recorded
   * @throws IllegalArgumentException if {@code options.runId()} names a run of another workflow or
   *     with other inputs
   * @throws JournalException if the run cannot be recorded (nothing is half-written)
   * @throws IllegalStateException if this engine is closed
   */
  @Override
  public RunHandle start(Workflow workflow, Inputs inputs, RunOptions options) {
    return core.start(workflow, inputs, options);
  }

  /**
   * A handle on any run of the journal, also one another process started or executes.
   *
   * @throws RunNotFoundException if the journal has no such run
   */
  @Override
  public RunHandle handle(UUID runId) {
    return core.handle(runId);
  }

  /**
   * Resumes a failed or cancelled run (or a running one nobody holds) from where it stopped:
   * committed steps keep their results, the others run again with new attempts.
   *
   * @throws RunNotFoundException if the journal has no such run
   * @throws IllegalStateException if the run succeeded, runs in this process, or is leased by
   *     another live process
   */
  @Override
  public RunHandle resume(UUID runId) {
    return core.resume(runId);
  }

  /**
   * Deletes a finished run from the journal: its rows in {@code runs}, {@code steps},
   * {@code attempts}, {@code checkpoints}, {@code events} and {@code run_labels} in one
   * transaction, then its value files in {@code <journal>.values/<run>/}; its kept result is
   * dropped. Another process that holds a handle on the run finds it gone
   * ({@link dev.fancy.run.RunNotFoundException}).
   *
   * @return false if the journal has no such run
   * @throws IllegalStateException if the run is running (in this process or another) or this
   *     engine is closed; nothing is deleted
   * @throws JournalException if the rows cannot be deleted, or the files (the rows are gone then;
   *     the files are orphans that do no harm)
   */
  @Override
  public boolean delete(UUID runId) {
    return core.delete(runId);
  }

  /** One page of the journal's runs, newest first. */
  @Override
  public RunPage runs(RunQuery query) {
    return core.runs(query);
  }

  @Override
  public Capabilities capabilities() {
    return core.capabilities();
  }

  @Override
  public StepRegistry registry() {
    return core.registry();
  }

  @Override
  public ValueCodec codec() {
    return core.codec();
  }

  @Override
  public void validate(Workflow workflow, Inputs inputs) {
    core.validate(workflow, inputs);
  }

  /**
   * Writes a consistent copy of the journal and its value files to {@code target} while runs go
   * on ({@link Journal#backup}).
   *
   * @throws IllegalArgumentException if {@code target} exists
   * @throws JournalException if the copy cannot be written
   */
  public void backup(Path target) {
    journal.backup(target);
  }

  /**
   * Takes over, now, every running run whose lease has run out (its process died) or that nobody
   * holds, and resumes it here. The engine also does this by itself periodically. A run that
   * cannot be read back (its workflow, inputs or committed outputs) is failed with the cause; the
   * others go on.
   *
   * @return how many runs were taken over
   */
  public int recover() {
    return core.recover();
  }

  /** Waits for a run; see {@link RunHandle#await(Duration)} (null: as long as it takes). */
  RunStatus await(UUID runId, Duration timeout) {
    return core.await(runId, timeout);
  }

  /** The run's result; see {@link RunHandle#result()}. */
  RunResult result(UUID runId) {
    return core.result(runId);
  }

  /** Cancels a run; see {@link RunHandle#cancel}. */
  boolean cancel(UUID runId, String reason) {
    return core.cancel(runId, reason);
  }

  /** Stops or resumes lease renewal: a test hook that simulates a process paused past its lease. */
  void pauseHeartbeat(boolean paused) {
    core.pauseHeartbeat(paused);
  }

  /**
   * Stops renewing leases and taking over runs, and shuts the engine down; runs still executing
   * are abandoned (their leases run out and another process, or the next engine, resumes them).
   * Kept results are discarded.
   */
  @Override
  public void close() {
    core.close();
  }

  /** Configures a {@link DurableEngine}; every setting but the journal has a default. */
  public static final class Builder {
    private final Journal journal;
    private StepRegistry registry;
    private Duration lease = Duration.ofSeconds(30);
    private Duration takeoverInterval;
    private int maxConcurrency = Runtime.getRuntime().availableProcessors();
    private int workerThreads = 64;
    private Resources resources = Resources.NONE;
    private RunOptions defaults = RunOptions.DEFAULT;
    private int keptRuns = 1_000;
    /** Zero for the default, a sixteenth of the heap when the engine opens. */
    private long keptBytes;
    private final List<Module> jacksonModules = new ArrayList<>();
    private final List<RunListener> listeners = new ArrayList<>();
    private Ticker ticker;
    private Duration eventPoll = Duration.ofMillis(50);

    private Builder(Journal journal) {
      this.journal = journal;
    }

    /**
     * Adds a Jackson module for value types Jackson cannot handle on its own; it serializes this
     * engine's inputs, outputs and retry copies (see {@code Engine.Builder.jacksonModule}). Every
     * process that shares the journal needs the same modules to read the values back.
     */
    public Builder jacksonModule(Module module) {
      jacksonModules.add(Objects.requireNonNull(module, "module == null"));
      return this;
    }

    /** Where steps are found; default {@link StepRegistry#loadDefault()}. */
    public Builder registry(StepRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry == null");
      return this;
    }

    /**
     * How long a run stays leased to this process without a heartbeat; a dead process's runs
     * are taken over after it. Default 30 s.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder lease(Duration lease) {
      if (lease.isZero() || lease.isNegative()) {
        throw new IllegalArgumentException("the lease must be positive, not " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * How often to look for runs to take over; default a third of the lease.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder takeoverInterval(Duration interval) {
      if (interval.isZero() || interval.isNegative()) {
        throw new IllegalArgumentException("the takeover interval must be positive, not "
            + interval);
      }
      this.takeoverInterval = interval;
      return this;
    }

    /** The most steps of one run executing at once; default the number of processors. */
    public Builder maxConcurrency(int maxConcurrency) {
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    /**
     * Threads that execute steps across all runs; default 64, started as needed and let go
     * after 10 idle seconds. Steps wait for their journal writes on these threads, and the
     * waiting ones share commits, so more threads mean larger group commits under load.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder workerThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("workerThreads must be at least 1, not " + threads);
      }
      this.workerThreads = threads;
      return this;
    }

    /** Resources for steps (the journal's {@link JournalEffects} are added); default none. */
    public Builder resources(Resources resources) {
      this.resources = Objects.requireNonNull(resources, "resources == null");
      return this;
    }

    /**
     * Adds a listener to every run this engine executes: started here, resumed, or taken over
     * from another process (as {@code Engine.Builder.listener}); it comes before a run's own
     * listeners. Events arrive only in the process that executes the run.
     */
    public Builder listener(RunListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    /**
     * The options of runs this engine resumes or takes over: their context factory, context rule
     * and listeners (limits and ID come from the journal). Default {@link RunOptions#DEFAULT}.
     */
    public Builder defaults(RunOptions defaults) {
      this.defaults = Objects.requireNonNull(defaults, "defaults == null");
      return this;
    }

    /**
     * How many finished runs this engine keeps in memory for {@link RunHandle#result} without
     * reading the journal, and the most heap they may retain, in bytes, as estimated from their
     * step records, failures and workflows (an upper estimate; see docs/durability.md). A kept
     * result holds its run's history, never its cell values: those are read from the journal
     * when first asked for, so large outputs do not count. The least recently used result is
     * dropped first; a dropped result is read back from the journal whole, and a result
     * heavier than {@code maxBytes} is never kept. Keeping a result never fails a run.
     * Default 1,000 runs and a sixteenth of the heap ({@code Runtime.maxMemory() / 16}).
     *
     * @throws IllegalArgumentException if a bound is below 1
     */
    public Builder keptResults(int maxRuns, long maxBytes) {
      if (maxRuns < 1 || maxBytes < 1) {
        throw new IllegalArgumentException("keptResults needs at least 1 run and 1 byte, not "
            + maxRuns + " and " + maxBytes);
      }
      this.keptRuns = maxRuns;
      this.keptBytes = maxBytes;
      return this;
    }

    /**
     * Backoffs, timeouts, heartbeats and takeover scans on {@code ticker} instead of real time:
     * for this package's tests (lease ends follow the journal's clock).
     */
    Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker == null");
      return this;
    }

    /**
     * How often an event subscription reads the journal for a run another process executes
     * (default 50 ms): for this package's tests, which set it to hours to show that the events
     * of a run executing here arrive as they commit.
     */
    Builder eventPoll(Duration interval) {
      this.eventPoll = Objects.requireNonNull(interval, "interval == null");
      return this;
    }

    /**
     * Opens the engine and resumes every run left running whose lease has run out (except on a
     * read-only journal, which the engine only inspects: it never takes a run over). A run that
     * cannot be read back is failed with its cause; it never stops the engine from opening.
     */
    public DurableEngine open() {
      return new DurableEngine(journal, DurableCore.open(new DurableCore.Settings(journal.store(),
          registry != null ? registry : StepRegistry.loadDefault(), lease,
          takeoverInterval != null ? takeoverInterval : lease.dividedBy(3), maxConcurrency,
          workerThreads, resources, defaults, keptRuns,
          keptBytes > 0 ? keptBytes : Runtime.getRuntime().maxMemory() / 16,
          List.copyOf(jacksonModules), List.copyOf(listeners), ticker, eventPoll)));
    }
  }
}
