package io.samsa.spi;

import io.samsa.InvalidConfigException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the core gives a backend when it opens a store.
 *
 * <p>File-based backends must do all their file I/O through {@link #fileIO()}: it is the
 * standard file system in production, and a fault-injecting one when the conformance kit
 * simulates crashes.
 *
 * @param directory the store's directory, which exists and is locked by the core
 * @param fileIO the file system to use
 * @param options backend-specific settings given to the store builder, as they were given
 * @param clock the store's clock (for ages of data, as the core measures them)
 */
public record StorageContext(Path directory, FileIO fileIO, Map<String, String> options, Clock clock) {
  public StorageContext {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(fileIO, "fileIO");
    Objects.requireNonNull(clock, "clock");
    options = Map.copyOf(options);
  }

  /** A context with the system's UTC clock. */
  public StorageContext(Path directory, FileIO fileIO, Map<String, String> options) {
    this(directory, fileIO, options, Clock.systemUTC());
  }

  /**
   * Checks that every option given is one the backend knows, so that a misspelt key fails at
   * open instead of being ignored.
   *
   * @throws InvalidConfigException naming the unknown key and the keys allowed
   */
  public void requireKnownOptions(String backend, Set<String> known) {
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (!known.contains(e.getKey())) {
        throw new InvalidConfigException(e.getKey(), e.getValue(), "unknown option of backend '"
            + backend + "'; allowed: " + new TreeSet<>(known));
      }
    }
  }

  /**
   * A backend option as a {@code long}, or {@code defaultValue} if it is not set.
   *
   * @throws InvalidConfigException if it is set to something that is not an integer in {@code
   *     [min, max]}
   */
  public long longOption(String key, long defaultValue, long min, long max) {
    String value = options.get(key);
    if (value == null) {
      return defaultValue;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidConfigException(key, value, "not an integer; allowed: [" + min + ", " + max + "]");
    }
    if (parsed < min || parsed > max) {
      throw new InvalidConfigException(key, value, "out of range; allowed: [" + min + ", " + max + "]");
    }
    return parsed;
  }

  /**
   * A backend option as a {@code boolean}, or {@code defaultValue} if it is not set.
   *
   * @throws InvalidConfigException if it is set to something other than {@code true} or {@code
   *     false}
   */
  public boolean booleanOption(String key, boolean defaultValue) {
    String value = options.get(key);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidConfigException(key, value, "not a boolean; allowed: true, false");
    };
  }
}
