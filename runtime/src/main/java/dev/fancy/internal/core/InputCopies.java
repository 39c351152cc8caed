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
 * Fresh copies of a retried step's mutable inputs: JSON of every mutable argument is taken before
 * the first attempt and read back for every attempt, so an attempt that changed its inputs cannot
 * change what the next attempt sees.
 */
final class InputCopies {
  private InputCopies() {}

  /**
   * JSON of every mutable argument (null where a value needs no copy).
   *
   * @throws IllegalStateException naming the input if one cannot be serialized
   */
  static byte[][] snapshot(Object[] args, List<String> names, String slug, ValueCodec codec) {
    byte[][] snapshot = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      if (!isImmutable(args[i])) {
        try {
          snapshot[i] = codec.toBytes(args[i]);
        } catch (ValueCodecException e) {
          throw new IllegalStateException("input '" + names.get(i) + "' of step '" + slug
              + "' cannot be copied for retries (each attempt gets a fresh copy): "
              + e.getMessage(), e);
        }
      }
    }
    return snapshot;
  }

  /** The arguments with every snapshotted one read back as a new object of its type. */
  static Object[] copies(Object[] args, byte[][] snapshot, ValueType<?>[] types, int first,
      ValueCodec codec) {
    Object[] copies = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      copies[i] = snapshot[i] == null ? args[i] : codec.fromBytes(snapshot[i], types[first + i]);
    }
    return copies;
  }

  /** Values no attempt can change, which need no copy. */
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
