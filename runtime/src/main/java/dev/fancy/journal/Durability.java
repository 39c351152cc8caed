package dev.fancy.journal;

/** How hard each journal commit is pushed to disk ({@code PRAGMA synchronous}). */
public enum Durability {
  /** fsync at every commit: a committed step survives power loss. */
  FULL,
  /** fsync at WAL checkpoints: survives process crashes, may lose the last commits on power loss. */
  NORMAL
}
