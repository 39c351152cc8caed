/**
 * What the runtime's journal plugs into the engine with: the per-run journal the engine writes
 * attempts to, and a journaled run's start. Not exported by the {@code dev.fancy.runtime} module
 * and not for users: a durable engine is {@code dev.fancy.journal.DurableEngine}.
 */
package dev.fancy.engine.spi;
