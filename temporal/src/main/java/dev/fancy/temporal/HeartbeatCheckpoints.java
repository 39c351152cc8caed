package dev.fancy.temporal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.frame.Checkpoints;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A step's checkpoints on Temporal: Temporal's activity heartbeat details. The latest checkpoint
 * travels with the activity's next heartbeat ({@link #details()}), and a retried activity —
 * on this worker or another — reads the previous attempt's last heartbeat details back
 * ({@code getHeartbeatDetails}), so {@code frame.lastCheckpoint} resumes there. Temporal
 * throttles heartbeats, so a checkpoint recorded just before a worker died may not have reached
 * the server: the next attempt then resumes from the one before (never from a later one).
 */
final class HeartbeatCheckpoints implements Checkpoints {

  /**
   * What a heartbeat carries: the latest checkpoint's number and JSON value.
   *
   * @param number the checkpoint's number in the step, from 1
   * @param value the checkpoint as JSON
   */
  record Details(long number, JsonNode value) {}

  private final ValueCodec codec;
  private volatile Details latest;
  /** Set when a checkpoint is recorded that has not gone out with a heartbeat yet. */
  private volatile boolean fresh;

  /**
   * @param codec how values become JSON
   * @param previous the last heartbeat details of the activity's earlier attempt, or null
   */
  HeartbeatCheckpoints(ValueCodec codec, Details previous) {
    this.codec = Objects.requireNonNull(codec, "codec == null");
    this.latest = previous;
  }

  @Override
  public synchronized long record(Object value) {
    Objects.requireNonNull(value, "a checkpoint must not be null");
    JsonNode json = codec.toTree(value);
    int bytes = json.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException("a checkpoint of " + bytes + " bytes is larger than "
          + MAX_BYTES + " bytes; keep large state in a file or a Blob and checkpoint its name");
    }
    long number = latest == null ? 1 : latest.number() + 1;
    latest = new Details(number, json);
    fresh = true;
    return number;
  }

  @Override
  public <T> Optional<T> latest(ValueType<T> type) {
    Details details = latest;
    return details == null ? Optional.empty()
        : Optional.ofNullable(codec.fromTree(details.value(), type));
  }

  /** What the next heartbeat carries: the latest checkpoint (this attempt's or inherited). */
  Details details() {
    fresh = false;
    return latest;
  }

  /** Whether a checkpoint was recorded since the last {@link #details()}. */
  boolean fresh() {
    return fresh;
  }
}
