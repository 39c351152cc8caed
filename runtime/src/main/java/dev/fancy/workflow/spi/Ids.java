package dev.fancy.workflow.spi;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New run IDs: time-ordered version 7 UUIDs (RFC 9562, section 5.7): 48 bits of Unix time in
 * milliseconds, then 74 random bits. (Cells and workflow steps get IDs derived from the wiring
 * instead: docs/semantics.md, "Cell and step IDs".) Time order keeps the journal's indexes, all
 * keyed by run ID first, growing at one edge: a transaction that records a hundred new runs
 * dirties a few pages at the end of each index instead of a hundred pages spread over it, which
 * halves the time a forced commit spends writing the write-ahead log. These IDs only need to be
 * unique, not unguessable, so the random bits come from {@link ThreadLocalRandom} instead of the
 * contended {@code SecureRandom} behind {@link UUID#randomUUID()}.
 */
public final class Ids {
  private Ids() {}

  /** A new version 7 UUID: ordered by the millisecond it was made in, random within it. */
  public static UUID newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
