package dev.fancy.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which engine runs the workflows. */
final class EngineOptions {

  /** The kinds of engine. */
  enum Kind {
    /** {@code Engine.inMemory()}: nothing survives the process. */
    memory,
    /** {@code DurableEngine} on an SQLite journal. */
    durable
  }

  @Option(names = "--engine", paramLabel = "KIND",
      description = "memory (default) or durable (a journal file; see --journal).")
  Kind kind;

  @Option(names = "--journal", paramLabel = "FILE",
      description = "The journal of the durable engine (default .fancy/journal.db); implies "
          + "--engine durable.")
  Path journal;

  @Option(names = "--lease", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Durable engine: how long a run stays leased without a heartbeat; runs of "
          + "a dead process are taken over after it (default 30s).")
  java.time.Duration lease;

  /**
   * Whether the command only reads the journal ({@code runs list}, {@code runs show}): it is
   * opened read-only, so looking at runs never takes over a run whose process died.
   */
  boolean inspectOnly;

  /** The engine kind chosen, durable if only a journal was given. */
  Kind kind() {
    return kind != null ? kind : journal != null ? Kind.durable : Kind.memory;
  }
}
