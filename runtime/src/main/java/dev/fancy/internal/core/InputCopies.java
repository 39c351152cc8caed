package dev.fancy.internal.core;

import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueCodecException;
import dev.fancy.value.ValueType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.UUID;

/**
 * Fresh copies of a retried step's mutable inputs, so that an attempt that changed its inputs
 * cannot change what the next attempt sees. Inputs that no code can change
 * ({@link DeepImmutability}: by their type, or as the JDK's unmodifiable collections of such
 * values) are handed to every attempt as they are and never serialized. The others are serialized
 * to JSON once, when the first attempt is about to run (not when the step is only looked up in
 * the cache or found committed in the journal), and read back as new objects for every attempt.
 * One per step execution; its attempts run one after another.
 */
final class InputCopies {

  private final Object[] args;
  private final List<String> names;
  private final String slug;
  private final ValueType<?>[] types;
  private final int first;
  private final ValueCodec codec;
  /** JSON of every mutable argument (null where a value needs no copy); null until taken. */
  private byte[][] snapshot;
  private boolean anyCopied;

  /**
   * The copies of {@code args}, whose types are {@code types[first ..]}.
   *
   * @param names the inputs' names, for errors
   * @param slug the step's slug, for errors
   */
  InputCopies(Object[] args, List<String> names, String slug, ValueType<?>[] types, int first,
      ValueCodec codec) {
    this.args = args;
    this.names = names;
    this.slug = slug;
    this.types = types;
    this.first = first;
    this.codec = codec;
  }

  /**
   * The arguments of the next attempt: the immutable ones as they are, every other one a new
   * object read back from the snapshot (taken on the first call).
   *
   * @throws IllegalStateException naming the input if one cannot be serialized
   */
  Object[] next() {
    if (snapshot == null) {
      snapshot = snapshot();
    }
    if (!anyCopied) {
      return args;
    }
    Object[] copies = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      copies[i] = snapshot[i] == null ? args[i] : codec.fromBytes(snapshot[i], types[first + i]);
    }
    return copies;
  }

  private byte[][] snapshot() {
    byte[][] taken = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      Object value = args[i];
      if (isImmutable(value)
          || DeepImmutability.holds(DeepImmutability.of(types[first + i], codec), value)) {
        continue;
      }
      try {
        taken[i] = codec.toBytes(value);
        anyCopied = true;
      } catch (ValueCodecException e) {
        throw new IllegalStateException("input '" + names.get(i) + "' of step '" + slug
            + "' cannot be copied for retries (each attempt gets a fresh copy): "
            + e.getMessage(), e);
      }
    }
    return taken;
  }

  /** Values no attempt can change by their class alone, which need no copy. */
  static boolean isImmutable(Object value) {
    return value == null || value instanceof String || value instanceof Integer
        || value instanceof Long || value instanceof Double || value instanceof Float
        || value instanceof Short || value instanceof Byte || value instanceof BigDecimal
        || value instanceof BigInteger || value instanceof Boolean || value instanceof Character
        || value instanceof Enum<?> || value instanceof UUID || value instanceof Path
        || value instanceof Duration || value instanceof TemporalAccessor
            && value.getClass().getName().startsWith("java.time.");
  }
}
