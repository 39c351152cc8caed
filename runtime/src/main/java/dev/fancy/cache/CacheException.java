package dev.fancy.cache;

import dev.fancy.FancyException;

/** A cache key could not be computed, or the cache could not be read or written. */
public final class CacheException extends FancyException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public CacheException(String message, Throwable cause) {
    super(message, cause);
  }
}
