package dev.fancy.engine;

import java.util.concurrent.atomic.AtomicBoolean;

/** A class whose static initializer must not run because workflow JSON named it. */
public final class Trap {
  /** Set by the initializer; kept outside the class so reading it does not initialize it. */
  static final class State {
    static final AtomicBoolean INITIALIZED = new AtomicBoolean();
  }

  static {
    State.INITIALIZED.set(true);
  }

  public int value;
}
