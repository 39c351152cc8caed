package dev.fancy.frame;

import dev.fancy.journal.JournalEffects;
import dev.fancy.value.TypeRef;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.WorkflowStep;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single object a step attempt receives from the engine (the seed's {@code ExecutionFrame}):
 * which run, step and attempt this is, the attempt's idempotency key, the run context, resources,
 * the usage meter, a chunk sink, the cancellation signal and a logger. A step method gets it by
 * declaring a parameter of this type, which is not wired as a cell. Immutable; one per attempt.
 *
 * <p>Tests of a step can build one with {@link #builder(WorkflowStep)}. The idempotency key and the
 * logger are created on first use; racing first uses create equal values. A frame built without
 * {@link Builder#checkpoints} keeps its checkpoints in itself.
 */
public final class ExecutionFrame {

  private final UUID runId;
  private final WorkflowStep step;
  private final int attempt;
  private String idempotencyKey;
  private final Object context;
  private final Resources resources;
  private final UsageMeter usage;
  private final ChunkSink chunks;
  private final CancellationSignal cancellation;
  private final Runnable heartbeats;
  private Checkpoints checkpoints;
  private Logger logger;

  private ExecutionFrame(Builder builder) {
    this.runId = builder.runId;
    this.step = builder.step;
    this.attempt = builder.attempt;
    this.idempotencyKey = builder.idempotencyKey;
    this.context = builder.context;
    this.resources = builder.resources;
    this.usage = builder.usage;
    this.chunks = builder.chunks;
    this.cancellation = builder.cancellation;
    this.heartbeats = builder.heartbeats;
    this.checkpoints = builder.checkpoints;
  }

  /** A builder for a frame of {@code step}; everything else has a neutral default. */
  public static Builder builder(WorkflowStep step) {
    return new Builder(step);
  }

  /** The run's ID. */
  public UUID runId() {
    return runId;
  }

  /** The workflow step being executed. */
  public WorkflowStep step() {
    return step;
  }

  /** The attempt number, starting at 1. */
  public int attempt() {
    return attempt;
  }

  /**
   * The key of this attempt's effects, unique to the attempt: {@code <run ID>:<workflow step
   * ID>:<attempt>}, the attempt number counted across every process (on a durable engine). Effects
   * staged under it on the journal ({@code JournalEffects}) commit exactly once with the attempt.
   * For an external system that deduplicates requests use {@link #stepKey()}, which a retried or
   * resumed step keeps.
   */
  public String idempotencyKey() {
    // Computed on first use: printing UUIDs is too slow for every attempt of a trivial step.
    String key = idempotencyKey;
    if (key == null) {
      key = runId + ":" + step.id() + ":" + attempt;
      idempotencyKey = key;
    }
    return key;
  }

  /**
   * A key that is the same for every attempt of this workflow step in this run, in every process:
   * {@code <run ID>:<workflow step ID>}. Send it to external systems that deduplicate requests
   * (an {@code Idempotency-Key} header, a unique column), so a step retried after a failure or
   * resumed after a crash does not repeat an effect that already happened (the journal cannot
   * make an external call exactly once; with this key the external system can).
   */
  public String stepKey() {
    return runId + ":" + step.id();
  }

  /**
   * The run context, created once per run by the top-level runner.
   *
   * @throws IllegalStateException if the run has no context or it is not a {@code type}
   */
  public <C> C context(Class<C> type) {
    if (context == null) {
      throw new IllegalStateException("the run has no context; pass one with "
          + "RunOptions.builder().context(...)");
    }
    if (!type.isInstance(context)) {
      throw new IllegalStateException("the run context is a " + context.getClass().getName()
          + ", not a " + type.getName());
    }
    return type.cast(context);
  }

  /** The resources the engine was built with. */
  public Resources resources() {
    return resources;
  }

  /** Where this attempt reports cost, tokens and counters. */
  public UsageMeter usage() {
    return usage;
  }

  /** Emits a chunk of partial output or progress to the run's listeners, in order. */
  public void emit(Object chunk) {
    chunks.emit(chunk);
  }

  /**
   * Reports that this attempt is alive and making progress (the idea of Temporal's activity
   * heartbeat). A step whose options set a heartbeat timeout ({@code @Timeout(heartbeat = ...)}
   * or {@code StepOptions.withHeartbeatTimeout}) must call it at least that often, counted from
   * the attempt's start; an attempt that goes longer without one is taken as hung: interrupted,
   * recorded {@code TIMED_OUT} and retried per its retry policy. Without a heartbeat timeout it
   * does nothing. Cheap (one volatile write): call it as often as convenient.
   */
  public void heartbeat() {
    heartbeats.run();
  }

  /**
   * Records {@code value} as this step's latest checkpoint in the run: progress of a long step
   * (an epoch, parameters, a random generator's state, a cursor) that its next attempt gets back
   * from {@link #lastCheckpoint} after a retry, a crash or a takeover by another process, as
   * Temporal's activity heartbeat details. Latest wins; a value is stored as its JSON (the
   * engine's codec, at most {@link Checkpoints#MAX_BYTES}). The durable engine journals it before
   * this returns (one commit, durable per the journal's {@code Durability}), fenced by the run's
   * lease; see docs/semantics.md. A checkpoint is also a {@link #heartbeat()}.
   *
   * @return the checkpoint's number: 1 for the step's first in the run, then 2, 3...
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if its JSON is larger than {@link Checkpoints#MAX_BYTES}
   * @throws IllegalStateException if this attempt is over (it timed out): a late checkpoint is
   *     refused, so it cannot overwrite a newer attempt's
   * @throws dev.fancy.value.ValueCodecException if the value cannot be written as JSON
   * @throws java.util.concurrent.CancellationException if the run stopped in this process
   *     because its journal failed or another process took over its lease
   */
  public long checkpoint(Object value) {
    heartbeats.run(); // recording progress is also a sign of life
    return checkpoints().record(value);
  }

  /**
   * This step's latest checkpoint in the run (of this attempt or an earlier one, in any process),
   * read as {@code type}; empty on a step's first attempt and in a new run.
   *
   * @throws dev.fancy.value.ValueCodecException if it cannot be read as {@code type}
   */
  public <T> Optional<T> lastCheckpoint(Class<T> type) {
    return checkpoints().latest(ValueType.of(type));
  }

  /** {@link #lastCheckpoint(Class)} for a generic type: {@code new TypeRef<List<Double>>() {}}. */
  public <T> Optional<T> lastCheckpoint(TypeRef<T> type) {
    return checkpoints().latest(type.valueType());
  }

  /** {@link #lastCheckpoint(Class)} for a {@link ValueType}. */
  public <T> Optional<T> lastCheckpoint(ValueType<T> type) {
    return checkpoints().latest(type);
  }

  private synchronized Checkpoints checkpoints() {
    if (checkpoints == null) {
      checkpoints = Checkpoints.inMemory(); // a frame built without: kept in this frame only
    }
    return checkpoints;
  }

  /** Whether the run was cancelled; long steps should check it. */
  public CancellationSignal cancellation() {
    return cancellation;
  }

  /** A logger named {@code fancy.step.<slug>}. */
  public Logger log() {
    Logger log = logger;
    if (log == null) {
      log = LoggerFactory.getLogger("fancy.step." + step.slug());
      logger = log;
    }
    return log;
  }

  @Override
  public String toString() {
    return "ExecutionFrame[" + step.slug() + ", run " + runId + ", attempt " + attempt + "]";
  }

  /** Builds an {@link ExecutionFrame}. */
  public static final class Builder {
    private final WorkflowStep step;
    private UUID runId = new UUID(0, 0);
    private int attempt = 1;
    private String idempotencyKey;
    private Object context;
    private Resources resources = Resources.NONE;
    private UsageMeter usage = new UsageMeter();
    private ChunkSink chunks = ChunkSink.NONE;
    private CancellationSignal cancellation = CancellationSignal.NEVER;
    private Runnable heartbeats = () -> { };
    private Checkpoints checkpoints;

    private Builder(WorkflowStep step) {
      this.step = Objects.requireNonNull(step, "step == null");
    }

    /** The run's ID; default all zeros. */
    public Builder runId(UUID runId) {
      this.runId = Objects.requireNonNull(runId, "runId == null");
      return this;
    }

    /**
     * The attempt number; default 1.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder attempt(int attempt) {
      if (attempt < 1) {
        throw new IllegalArgumentException("attempts start at 1, not " + attempt);
      }
      this.attempt = attempt;
      return this;
    }

    /** The idempotency key; default {@code <run ID>:<step ID>:<attempt>}. */
    public Builder idempotencyKey(String key) {
      this.idempotencyKey = Objects.requireNonNull(key, "key == null");
      return this;
    }

    /** The run context; default none. */
    public Builder context(Object context) {
      this.context = context;
      return this;
    }

    /** The resources; default none. */
    public Builder resources(Resources resources) {
      this.resources = Objects.requireNonNull(resources, "resources == null");
      return this;
    }

    /** The usage meter; default a new one. */
    public Builder usage(UsageMeter usage) {
      this.usage = Objects.requireNonNull(usage, "usage == null");
      return this;
    }

    /** The chunk sink; default one that drops chunks. */
    public Builder chunks(ChunkSink chunks) {
      this.chunks = Objects.requireNonNull(chunks, "chunks == null");
      return this;
    }

    /** The cancellation signal; default never raised. */
    public Builder cancellation(CancellationSignal cancellation) {
      this.cancellation = Objects.requireNonNull(cancellation, "cancellation == null");
      return this;
    }

    /** Where {@link ExecutionFrame#heartbeat()} reports; default nowhere. */
    public Builder heartbeats(Runnable heartbeats) {
      this.heartbeats = Objects.requireNonNull(heartbeats, "heartbeats == null");
      return this;
    }

    /**
     * Where the attempt's checkpoints go; default {@link Checkpoints#inMemory()} for this frame
     * only (give two frames one instance to test a step that resumes).
     */
    public Builder checkpoints(Checkpoints checkpoints) {
      this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints == null");
      return this;
    }

    /** The frame. */
    public ExecutionFrame build() {
      return new ExecutionFrame(this);
    }
  }
}
