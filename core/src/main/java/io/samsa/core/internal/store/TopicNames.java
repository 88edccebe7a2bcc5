package io.samsa.core.internal.store;

import io.samsa.InvalidTopicException;

/** Kafka's topic naming rules, which keep partition directory names legal on every file system. */
final class TopicNames {
  static final int MAX_LENGTH = 249;

  private TopicNames() {}

  /**
   * @throws InvalidTopicException if {@code name} is null, empty, longer than 249 characters,
   *     {@code .} or {@code ..}, or holds a character outside {@code [a-zA-Z0-9._-]}
   */
  static void validate(String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidTopicException(name, "empty");
    }
    if (name.length() > MAX_LENGTH) {
      throw new InvalidTopicException(name, "too long: length=" + name.length());
    }
    if (name.equals(".") || name.equals("..")) {
      throw new InvalidTopicException(name, "reserved name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!ok) {
        throw new InvalidTopicException(name, "illegal character " + describe(c) + " at index " + i);
      }
    }
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }
}
