package dev.fancy.journal;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@code Journal} is opened. Build with {@link #builder()}; every setting has a default.
 *
 * @param durability how hard commits are pushed to disk; default {@link Durability#FULL}
 * @param readOnly whether the journal may only be inspected; default false
 * @param busyTimeout how long a write waits for another process's write lock, with retries and
 *     backoff, before it fails with a {@link JournalException} of reason {@code BUSY}; default 60 s
 * @param integrityCheck what to check when the journal is opened; default
 *     {@link IntegrityCheck#QUICK}
 * @param writeQueueCapacity how many units of work may wait for the writer thread; beyond it,
 *     callers (submitters and steps) wait: back-pressure; default 16,384
 * @param valueFileThreshold outputs longer than this many characters of JSON are kept in files
 *     beside the journal instead of its rows; default 64 KiB
 * @param clock the clock of timestamps and leases (tests pass a controllable one); default UTC
 */
public record JournalOptions(Durability durability, boolean readOnly, Duration busyTimeout,
    IntegrityCheck integrityCheck, int writeQueueCapacity, int valueFileThreshold, Clock clock) {

  /** What {@code Journal.open(java.nio.file.Path, JournalOptions)} checks in the file. */
  public enum IntegrityCheck {
    /** Nothing (fastest open). */
    NONE,
    /** {@code PRAGMA quick_check}: every page's structure, without index contents; O(size). */
    QUICK,
    /** {@code PRAGMA integrity_check}: as quick, plus that indexes match their tables. */
    FULL
  }

  /** The defaults. */
  public static final JournalOptions DEFAULT = builder().build();

  /**
   * Validates the options.
   *
   * @throws NullPointerException if a setting is null
   * @throws IllegalArgumentException if the timeout is negative or a size below 1
   */
  public JournalOptions {
    Objects.requireNonNull(durability, "durability == null");
    Objects.requireNonNull(busyTimeout, "busyTimeout == null");
    Objects.requireNonNull(integrityCheck, "integrityCheck == null");
    Objects.requireNonNull(clock, "clock == null");
    if (busyTimeout.isNegative()) {
      throw new IllegalArgumentException("busyTimeout is " + busyTimeout + "; it cannot be negative");
    }
    if (writeQueueCapacity < 1 || valueFileThreshold < 1) {
      throw new IllegalArgumentException("writeQueueCapacity (" + writeQueueCapacity
          + ") and valueFileThreshold (" + valueFileThreshold + ") must be at least 1");
    }
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link JournalOptions}. */
  public static final class Builder {
    private Durability durability = Durability.FULL;
    private boolean readOnly;
    private Duration busyTimeout = Duration.ofSeconds(60);
    private IntegrityCheck integrityCheck = IntegrityCheck.QUICK;
    private int writeQueueCapacity = 16_384;
    private int valueFileThreshold = 64 * 1024;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** How hard commits are pushed to disk. */
    public Builder durability(Durability durability) {
      this.durability = durability;
      return this;
    }

    /** Whether the journal may only be inspected; writes then fail and change nothing. */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /** How long a write waits for another process's write lock. */
    public Builder busyTimeout(Duration busyTimeout) {
      this.busyTimeout = busyTimeout;
      return this;
    }

    /** What to check when opening. */
    public Builder integrityCheck(IntegrityCheck integrityCheck) {
      this.integrityCheck = integrityCheck;
      return this;
    }

    /** How many units of work may wait for the writer before callers wait. */
    public Builder writeQueueCapacity(int capacity) {
      this.writeQueueCapacity = capacity;
      return this;
    }

    /** From how many characters of JSON an output is kept in a file. */
    public Builder valueFileThreshold(int characters) {
      this.valueFileThreshold = characters;
      return this;
    }

    /** The clock of timestamps and leases. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException as the record's constructor
     */
    public JournalOptions build() {
      return new JournalOptions(durability, readOnly, busyTimeout, integrityCheck,
          writeQueueCapacity, valueFileThreshold, clock);
    }
  }
}
