package dev.fancy.internal.journal;

import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fancy.frame.Resources;
import dev.fancy.frame.Usage;
import dev.fancy.internal.core.Core;
import dev.fancy.internal.core.JournaledRun;
import dev.fancy.internal.core.Ticker;
import dev.fancy.journal.JournalEffects;
import dev.fancy.journal.JournalException;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Capabilities;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunNotFoundException;
import dev.fancy.run.RunListener;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunPage;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable engine's core, in the hidden journal package: idempotent submission, leases and
 * takeover, recovery and kept results over a {@link JournalStore}, executing runs on the
 * execution {@link Core}. {@code DurableEngine} is its thin front door; the core never names it.
 */
public final class DurableCore {

  /**
   * What the durable front door configures (see its builder for each setting's meaning).
   *
   * @param journal the journal's store
   * @param registry where steps are found
   * @param lease how long a run stays leased without a heartbeat
   * @param takeoverInterval how often to look for runs to take over
   * @param maxConcurrency the most steps of one run executing at once
   * @param workerThreads threads that execute steps across all runs
   * @param resources resources for steps (the journal's effects are added)
   * @param defaults the options of runs this core resumes or takes over
   * @param keptRuns how many finished runs keep their values in memory
   * @param keptBytes their total size in JSON characters
   * @param jacksonModules Jackson modules for value types
   * @param listeners listeners of every run this core executes, before each run's own
   * @param ticker when backoffs, timeouts, heartbeats and takeover scans happen, or null for real
   *     time
   */
  public record Settings(JournalStore journal, StepRegistry registry, Duration lease,
      Duration takeoverInterval, int maxConcurrency, int workerThreads, Resources resources,
      RunOptions defaults, int keptRuns, long keptBytes, List<Module> jacksonModules,
      List<RunListener> listeners, Ticker ticker, Duration eventPoll) {}


  private static final Logger LOG = LoggerFactory.getLogger("dev.fancy.engine.DurableEngine");
  private static final AtomicInteger ENGINES = new AtomicInteger();
  private static final Capabilities CAPABILITIES = Capabilities.all();

  /**
   * A run executing in this process; {@code ending} is set before its end is recorded, which
   * releases its lease.
   */
  private record Execution(Lease lease, CompletableFuture<RunResult> done,
      java.util.concurrent.atomic.AtomicBoolean ending) {

    Execution(Lease lease, CompletableFuture<RunResult> done) {
      this(lease, done, new java.util.concurrent.atomic.AtomicBoolean());
    }
  }

  private final JournalStore journal;
  private final Core engine;
  private final ValueCodec codec;
  private final String owner = UUID.randomUUID().toString();
  private final ExecutorService workers;
  private final Submissions submissions;
  private final KeptResults kept;
  private final Leases leases;
  private final ScheduledExecutorService feeds;
  private final Duration eventPoll;
  private final Recovery recovery;
  private final Map<UUID, Execution> active = new ConcurrentHashMap<>();
  /**
   * Why runs stopped in this process on a journal failure or a lost lease, until this process
   * claims them again.
   */
  private final Cache<UUID, JournalException> stoppedHere =
      Caffeine.newBuilder().maximumSize(10_000).build();
  private volatile boolean closed;

  private DurableCore(Settings settings) {
    this.journal = settings.journal();
    int id = ENGINES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    // Up to workerThreads threads, each let go after 10 idle seconds: a burst of runs does not
    // leave the process holding them for good.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(settings.workerThreads(),
        settings.workerThreads(), 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
          Thread thread = new Thread(task, "fancy-durable-" + id + "-"
              + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    this.workers = pool;
    this.engine = new Core(new Core.Settings(settings.registry(), workers,
        settings.maxConcurrency(), 256, null, null, null,
        settings.resources().with(JournalEffects.class, journal.effects()), List.of(),
        List.copyOf(settings.listeners()),
        withBlobs(settings.jacksonModules(), settings.journal()), 0, settings.ticker()));
    this.codec = engine.codec();
    this.submissions = new Submissions(codec);
    this.kept = new KeptResults(journal, codec, settings.keptRuns(), settings.keptBytes());
    this.leases = new Leases(journal, owner, settings.lease(), id, settings.ticker());
    // Let go after 10 idle seconds, as the workers: event streams come and go in bursts.
    ScheduledThreadPoolExecutor feedThreads = new ScheduledThreadPoolExecutor(2, task -> {
      Thread thread = new Thread(task, "fancy-events-" + id);
      thread.setDaemon(true);
      return thread;
    });
    feedThreads.setKeepAliveTime(10, TimeUnit.SECONDS);
    feedThreads.allowCoreThreadTimeOut(true);
    feedThreads.setRemoveOnCancelPolicy(true);
    this.feeds = feedThreads;
    this.eventPoll = settings.eventPoll();
    this.recovery = new Recovery(journal, engine, owner, settings.defaults(), leases,
        this::isActive, this::execute);
    leases.start(settings.takeoverInterval(), this::held, this::executing,
        runId -> engine.cancel(runId, "this process lost the run's lease"), this::recover);
  }

  /**
   * The engine's Jackson modules with the journal's blob store last, so that every blob a run's
   * values hold is kept in the journal ({@code <journal>.values/blobs/}) when its reference is
   * written, before the row that holds the reference commits.
   */
  private static List<com.fasterxml.jackson.databind.Module> withBlobs(
      List<? extends com.fasterxml.jackson.databind.Module> modules, JournalStore journal) {
    List<com.fasterxml.jackson.databind.Module> all = new java.util.ArrayList<>(modules);
    all.add(dev.fancy.value.BlobStore.jacksonModule(journal.blobs()));
    return List.copyOf(all);
  }

  /**
   * Opens a core with {@code settings} and resumes every run left running whose lease has run
   * out. A run that cannot be read back is failed with its cause; it never stops the core from
   * opening.
   */
  public static DurableCore open(Settings settings) {
    DurableCore core = new DurableCore(settings);
    try {
      core.recover();
    } catch (RuntimeException e) {
      LOG.warn("cannot look for runs to take over: {}", e.getMessage());
    }
    return core;
  }

  /** This process's owner ID in run leases. */
  public String owner() {
    return owner;
  }

  /** The journal's store. */
  public JournalStore journal() {
    return journal;
  }

  /** Attempts that timed out but whose code still runs (see {@link Core#lingeringAttempts}). */
  public int lingeringAttempts() {
    return engine.lingeringAttempts();
  }

  /**
   * Records and starts a run; returns its handle at once (see {@code DurableEngine.start}).
   *
   * @throws WorkflowValidationException if the workflow or inputs are invalid, or an input
   *     cannot be read back from JSON; nothing is recorded
   * @throws IllegalArgumentException if {@code options.runId()} names a run of another workflow or
   *     with other inputs
   * @throws JournalException if the run cannot be recorded (nothing is half-written)
   * @throws IllegalStateException if this engine is closed
   */
  public RunHandle start(Workflow workflow, Inputs inputs, RunOptions options) {
    Objects.requireNonNull(options, Core.NO_OPTIONS);
    requireOpen();
    engine.validate(workflow, inputs);
    UUID runId = options.runId() != null ? options.runId() : RunOptions.newRunId();
    var created = journal.runTable().create(
        submissions.newRun(runId, workflow, inputs, options), owner, leases.leaseEnd());
    if (created.isPresent()) {
      // A new run has no events yet: its first is number 1 (no read of the journal).
      execute(created.get(), workflow, inputs, options, Map.of(), Usage.NONE, 1);
    }
    return new DurableRun(this, runId);
  }

  /**
   * A handle on any run of the journal, also one another process started or executes.
   *
   * @throws RunNotFoundException if the journal has no such run
   */
  public RunHandle handle(UUID runId) {
    Objects.requireNonNull(runId, "runId == null");
    status(runId);
    return new DurableRun(this, runId);
  }

  /** The journal's status of a run (one column of its row: cheaper than {@link #journalRun}). */
  public RunStatus status(UUID runId) {
    return journal.runStatus(runId).orElseThrow(() -> notFound(runId));
  }

  /** The journal's row of a run. */
  public JournalRun journalRun(UUID runId) {
    return journal.run(runId).orElseThrow(() -> notFound(runId));
  }

  private RunNotFoundException notFound(UUID runId) {
    return new RunNotFoundException(runId, "the journal " + journal.file());
  }

  /** One page of the journal's runs, newest first. */
  public RunPage runs(RunQuery query) {
    List<JournalRun> rows = journal.runs(query);
    List<RunInfo> page = new ArrayList<>();
    for (JournalRun row : rows.subList(0, Math.min(rows.size(), query.limit()))) {
      page.add(row.toRunInfo(row.status().isFinal() ? journal.usage(row.runId()) : Usage.NONE));
    }
    return new RunPage(page, rows.size() > query.limit()
        ? RunQuery.cursorOf(page.get(page.size() - 1)) : null);
  }

  public Capabilities capabilities() {
    return CAPABILITIES;
  }

  public StepRegistry registry() {
    return engine.registry();
  }

  public ValueCodec codec() {
    return codec;
  }

  public void validate(Workflow workflow, Inputs inputs) {
    engine.validate(workflow, inputs);
  }

  /**
   * The scheduler event subscriptions poll on: threads of their own, so any number of watchers
   * never delays the heartbeat that keeps this process's leases.
   */
  ScheduledExecutorService scheduler() {
    return feeds;
  }

  /**
   * How often a subscription reads the journal for the events of a run another process
   * executes; the events of a run executing here are handed over as they commit.
   */
  Duration eventPoll() {
    return eventPoll;
  }

  /** Whether {@code runId} executes in this process, which journals its events. */
  boolean executesHere(UUID runId) {
    return isActive(runId);
  }

  /**
   * Resumes a failed or cancelled run (or a running one nobody holds) from where it stopped.
   *
   * @throws RunNotFoundException if the journal has no such run
   * @throws IllegalStateException if the run succeeded, runs in this process, or is leased by
   *     another live process
   */
  public RunHandle resume(UUID runId) {
    requireOpen();
    recovery.resume(journalRun(runId));
    return new DurableRun(this, runId);
  }

  /**
   * Takes over, now, every running run whose lease has run out or that nobody holds.
   *
   * @return how many runs were taken over
   */
  public int recover() {
    // A read-only journal can be inspected, never written: nothing to take over from here.
    return closed || journal.options().readOnly() ? 0 : recovery.takeOver();
  }

  private boolean isActive(UUID runId) {
    Execution execution = active.get(runId);
    return execution != null && !execution.done().isDone();
  }

  /** Whether a run executes here and has not begun recording its end. */
  private boolean executing(UUID runId) {
    Execution execution = active.get(runId);
    return execution != null && !execution.done().isDone() && !execution.ending().get();
  }

  /** The leases of the runs executing here now. */
  private List<Lease> held() {
    List<Lease> held = new ArrayList<>();
    for (Execution execution : active.values()) {
      if (!execution.done().isDone()) {
        held.add(execution.lease());
      }
    }
    return held;
  }

  /**
   * Waits until a run has finished, wherever it executes (in this process, or in another one
   * sharing the journal), or {@code timeout} has passed.
   *
   * @param timeout how long to wait at most, or null for as long as it takes
   * @return the status then
   * @throws RunNotFoundException if the journal has no such run
   * @throws JournalException if this process was executing the run and its journal failed (the
   *     run stays {@code RUNNING} in the journal and is taken over again once the journal can be
   *     written)
   */
  public RunStatus await(UUID runId, Duration timeout) {
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    long pause = TimeUnit.MILLISECONDS.toNanos(5);
    while (true) {
      Execution execution = active.get(runId);
      if (execution != null) {
        waitFor(execution, deadline);
      }
      JournalException stopped = stoppedHere.getIfPresent(runId);
      if (stopped != null && stopped.reason() != JournalException.Reason.LEASE_LOST) {
        throw stopped; // a lost lease is no failure: the run goes on elsewhere
      }
      RunStatus status = status(runId);
      long left = deadline - System.nanoTime();
      if (status.isFinal() || left <= 0) {
        return status;
      }
      LockSupport.parkNanos(Math.min(pause, left));
      pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(200));
    }
  }

  private static void waitFor(Execution execution, long deadline) {
    try {
      long left = deadline - System.nanoTime();
      if (deadline == Long.MAX_VALUE) {
        execution.done().join();
      } else if (left > 0) {
        execution.done().get(left, TimeUnit.NANOSECONDS);
      }
    } catch (CompletionException | java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof JournalException failure
          && failure.reason() != JournalException.Reason.LEASE_LOST) {
        throw failure;
      }
      // lost the lease: the run goes on elsewhere; its status is in the journal
    } catch (java.util.concurrent.TimeoutException e) {
      // the caller's deadline
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a run", e);
    }
  }

  /**
   * The result of a run: the one this process keeps in memory if it executed the run (the
   * history and failure of finished runs are kept up to {@code keptResults}), otherwise one read
   * from the journal once the run has ended; either way its values are decoded from the
   * committed outputs on demand.
   * Waits while the run executes.
   *
   * @throws RunNotFoundException if the journal has no such run
   * @throws JournalException if this process's execution of the run stopped on a journal failure,
   *     (of reason {@code LEASE_LOST} if another process took the run over from this one)
   */
  public RunResult result(UUID runId) {
    Execution execution = active.get(runId);
    if (execution != null) {
      try {
        execution.done().join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        throw e;
      }
    }
    JournalException stopped = stoppedHere.getIfPresent(runId);
    if (stopped != null) {
      throw stopped;
    }
    RunResult result = kept.kept(runId);
    if (result == null) {
      await(runId, null);
      result = journal.snapshot("read the result of run " + runId,
          () -> kept.fromJournal(journalRun(runId)));
    }
    ErrorInfo error = result.info().error();
    if (error != null && ErrorInfo.USAGE_LIMIT.equals(error.type())) {
      throw new UsageLimitExceededException("run " + runId + " of workflow '"
          + result.workflow().name() + "' stopped: " + error.message(), result, result.usage());
    }
    return result;
  }

  /**
   * Cancels a run: running steps are interrupted, the run is cancelled with {@code reason}.
   *
   * @return false if the run has ended
   * @throws UnsupportedOperationException if the run executes in another process (cancel it
   *     there)
   */
  public boolean cancel(UUID runId, String reason) {
    if (engine.cancel(runId, reason)) {
      return true;
    }
    JournalRun run = journalRun(runId);
    if (run.status().isFinal()) {
      return false;
    }
    throw new UnsupportedOperationException("run " + runId + " executes in another process ("
        + run.owner() + "); cancel it through the engine of that process");
  }

  /**
   * Deletes a finished run from the journal: its rows in one transaction, then its value files;
   * drops its kept result (see {@code DurableEngine.delete}).
   *
   * @return false if the journal has no such run
   * @throws IllegalStateException if the run has not finished, or this engine is closed
   * @throws JournalException if the rows or files cannot be deleted
   */
  public boolean delete(UUID runId) {
    Objects.requireNonNull(runId, "runId == null");
    requireOpen();
    if (isActive(runId)) {
      throw new IllegalStateException("run " + runId + " is RUNNING in this process, not "
          + "finished; cancel it or wait for it to end, then delete it");
    }
    boolean deleted = journal.deleteRun(runId);
    kept.forget(runId);
    engine.forget(runId);
    stoppedHere.invalidate(runId);
    return deleted;
  }

  /** Executes a run this process holds the lease of, numbering events after its last one. */
  private void execute(Lease lease, Workflow workflow, Inputs inputs, RunOptions options,
      Map<UUID, ArrayNode> committed, Usage usedBefore) {
    execute(lease, workflow, inputs, options, committed, usedBefore,
        journal.lastEventSequence(lease.runId()) + 1);
  }

  private void execute(Lease lease, Workflow workflow, Inputs inputs, RunOptions options,
      Map<UUID, ArrayNode> committed, Usage usedBefore, long firstEventSequence) {
    UUID runId = lease.runId();
    CompletableFuture<RunResult> done = new CompletableFuture<>();
    Execution execution = new Execution(lease, done);
    active.put(runId, execution);
    stoppedHere.invalidate(runId);
    try {
      engine.startJournaled(workflow, inputs, options, new JournaledRun(runId,
              journal.attemptLog().forRun(lease), committed, usedBefore,
              firstEventSequence, journal::appendEvent))
          .whenComplete((result, error) -> finished(execution, result, error));
    } catch (RuntimeException e) {
      active.remove(runId, execution);
      done.completeExceptionally(e);
      throw e;
    }
  }

  /** Records how a run ended (unless the journal failed under it) and keeps its result. */
  private void finished(Execution execution, RunResult result, Throwable error) {
    Lease lease = execution.lease();
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof UsageLimitExceededException limit) {
      result = limit.result();
      cause = null;
    }
    if (cause != null) {
      LOG.warn("run {} stopped in this process; it stays resumable in the journal: {}",
          lease.runId(), cause.getMessage());
      if (cause instanceof JournalException stopped) {
        stoppedHere.put(lease.runId(), stopped);
      }
      execution.done().completeExceptionally(cause);
      active.remove(lease.runId(), execution);
      return;
    }
    execution.ending().set(true);
    try {
      ErrorInfo failure = result.info().error();
      journal.runTable().finish(lease, result.status(), failure == null ? null
          : JournalJson.MAPPER.valueToTree(new ErrorInfo(failure.type(), failure.message(),
              failure.retryable(), null)).toString());
    } catch (JournalException e) {
      LOG.warn("cannot record the end of run {}; it stays resumable: {}", lease.runId(),
          e.getMessage());
      stoppedHere.put(lease.runId(), e);
      execution.done().completeExceptionally(e);
      active.remove(lease.runId(), execution);
      return;
    }
    kept.keep(lease.runId(), result);
    execution.done().complete(result);
    active.remove(lease.runId(), execution);
  }

  /** Stops or resumes lease renewal: a test hook that simulates a process paused past its lease. */
  public void pauseHeartbeat(boolean paused) {
    leases.pause(paused);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the durable engine is closed; open a new one");
    }
  }

  /**
   * Stops renewing leases and taking over runs, and shuts the engine down; runs still executing
   * are abandoned (their leases run out and another process, or the next engine, resumes them).
   * Kept results are discarded.
   */
  public void close() {
    closed = true;
    leases.close();
    feeds.shutdownNow();
    engine.close();
    workers.shutdown();
    kept.clear();
  }
}
