package dev.fancy.frame;

/**
 * Receives the chunks a step emits while it runs (partial output, progress). The engine forwards
 * them to run listeners on the emitting thread, so a step's chunks arrive in the order emitted.
 */
@FunctionalInterface
public interface ChunkSink {

  /** A sink that drops every chunk. */
  ChunkSink NONE = chunk -> {};

  /** Delivers one chunk; must not be called concurrently for one attempt. */
  void emit(Object chunk);
}
