package io.samsa.testkit.model;

import java.util.Objects;

/** Assertions in plain Java, so the kit's checks need no test framework. */
final class Check {
  private Check() {}

  static void that(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }

  static void equal(Object expected, Object actual, String what) {
    if (!Objects.equals(expected, actual)) {
      throw new AssertionError(what + ": expected " + expected + " but was " + actual);
    }
  }

  static <T extends Throwable> T fails(Class<T> type, Runnable call, String what) {
    try {
      call.run();
    } catch (Throwable t) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      throw new AssertionError(what + ": expected " + type.getSimpleName() + " but got " + t, t);
    }
    throw new AssertionError(what + ": expected " + type.getSimpleName() + " but nothing was thrown");
  }
}
