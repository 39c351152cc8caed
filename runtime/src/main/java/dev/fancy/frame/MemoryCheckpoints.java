package dev.fancy.frame;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueType;
import java.util.Objects;
import java.util.Optional;

/** {@link Checkpoints#inMemory}: the latest checkpoint's JSON and its number, in this object. */
final class MemoryCheckpoints implements Checkpoints {

  private final ValueCodec codec;
  private JsonNode latest;
  private long number;

  MemoryCheckpoints(ValueCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec == null");
  }

  @Override
  public synchronized long record(Object value) {
    latest = encode(codec, value);
    return ++number;
  }

  @Override
  public synchronized <T> Optional<T> latest(ValueType<T> type) {
    return latest == null ? Optional.empty() : Optional.of(codec.fromTree(latest, type));
  }

  /**
   * {@code value} as JSON, checked against {@link #MAX_BYTES}.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if the JSON is too large
   */
  static JsonNode encode(ValueCodec codec, Object value) {
    if (value == null) {
      throw new NullPointerException("a checkpoint cannot be null; record the step's progress "
          + "as a value (a record of the epoch, the parameters, the random generator's state)");
    }
    JsonNode json = codec.toTree(value);
    sizeOf(json, value);
    return json;
  }

  /** The UTF-8 size of {@code json}; throws if above {@link #MAX_BYTES}. */
  static int sizeOf(JsonNode json, Object value) {
    int bytes = json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException("a checkpoint of " + bytes + " bytes of JSON (a "
          + value.getClass().getName() + ") is larger than the limit of " + MAX_BYTES
          + " bytes; write large state to a file and checkpoint its path");
    }
    return bytes;
  }
}
