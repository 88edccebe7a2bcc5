package io.samsa.core.internal.io;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reference count that cannot be revived: once it has dropped to zero, {@link #retain()} fails,
 * so whoever released the last reference may free the resource without racing a new holder.
 */
public final class RefCount {
  private final AtomicInteger refs;

  /** @param initial the references held from the start (at least 1) */
  public RefCount(int initial) {
    if (initial < 1) {
      throw new IllegalArgumentException("initial references must be at least 1: " + initial);
    }
    this.refs = new AtomicInteger(initial);
  }

  /** Takes a reference; false if the count already reached zero. */
  public boolean retain() {
    while (true) {
      int r = refs.get();
      if (r == 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /** Drops a reference; true if it was the last one. */
  public boolean release() {
    return refs.decrementAndGet() == 0;
  }

  @Override
  public String toString() {
    return Integer.toString(refs.get());
  }
}
