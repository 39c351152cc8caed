package dev.fancy.workflow.spi;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New random (version 4) UUIDs for child runs. (Cells and workflow steps get IDs derived from
 * the wiring instead: docs/semantics.md, "Cell and step IDs".) These IDs only need to be unique,
 * not unguessable, so they come from {@link ThreadLocalRandom} instead of the contended
 * {@code SecureRandom} behind {@link UUID#randomUUID()} (122 random bits either way).
 */
public final class Ids {
  private Ids() {}

  /** A new random version 4 UUID. */
  public static UUID newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
