package dev.fancy.frame;

import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueType;
import java.util.Optional;

/**
 * Where a step's checkpoints go: the progress a long step records while it runs
 * ({@link ExecutionFrame#checkpoint}) and gets back on its next attempt
 * ({@link ExecutionFrame#lastCheckpoint}). The engine gives each attempt one: the in-memory
 * engine keeps a step's checkpoints for the attempts of its run, the durable engine journals
 * them. The idea is Temporal's activity heartbeat with details, which a retried activity reads
 * back ({@code Activity.getExecutionContext().getHeartbeatDetails(type)}).
 *
 * <p>Rules: one checkpoint per workflow step and run is kept, the latest (latest wins); numbers
 * count from 1 per step and run; a value is stored as its JSON (the engine's {@link ValueCodec})
 * of at most {@link #MAX_BYTES} bytes, so what an attempt gets back is a fresh copy, never the
 * object an earlier attempt went on changing. Tests of a step use {@link #inMemory()}: give the
 * same instance to the frames of two attempts to see the second resume.
 */
public interface Checkpoints {

  /** The largest checkpoint: 1 MiB of UTF-8 JSON. Larger state belongs in a file or a store. */
  int MAX_BYTES = 1 << 20;

  /**
   * Records {@code value} as the step's latest checkpoint.
   *
   * @return the checkpoint's number: 1 for the step's first in the run, then 2, 3...
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if its JSON is larger than {@link #MAX_BYTES}
   * @throws IllegalStateException if the attempt is over (it timed out, or the frame outlived
   *     it): its checkpoint would overwrite a newer attempt's, so it is refused
   * @throws dev.fancy.value.ValueCodecException if the value cannot be written as JSON
   */
  long record(Object value);

  /**
   * The step's latest checkpoint read back as {@code type}, or empty if it has none.
   *
   * @throws dev.fancy.value.ValueCodecException if it cannot be read as {@code type}
   */
  <T> Optional<T> latest(ValueType<T> type);

  /** Checkpoints kept in the returned object, written with {@link ValueCodec#defaults()}. */
  static Checkpoints inMemory() {
    return new MemoryCheckpoints(ValueCodec.defaults());
  }

  /** Checkpoints kept in the returned object, written with {@code codec}. */
  static Checkpoints inMemory(ValueCodec codec) {
    return new MemoryCheckpoints(codec);
  }
}
