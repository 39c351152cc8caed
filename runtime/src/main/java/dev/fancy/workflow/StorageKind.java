package dev.fancy.workflow;

/** Where a cell's value lives. */
public enum StorageKind {
  /** The value is kept inline in the value store (in memory by default). */
  VALUE,
  /**
   * The value is serialized to bytes kept elsewhere (the reference store, files by default); the
   * cell resolves to a URI under that store's root.
   */
  REFERENCE,
  /** A named group of cells' values, made by {@link Composite#group} and split by {@link Composite#ungroup}. */
  COMPOSITE
}
