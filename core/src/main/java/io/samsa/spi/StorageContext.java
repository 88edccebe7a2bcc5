package io.samsa.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What the core gives a backend when it opens a store.
 *
 * <p>File-based backends must do all their file I/O through {@link #fileIO()}: it is the
 * standard file system in production, and a fault-injecting one when the conformance kit
 * simulates crashes.
 *
 * @param directory the store's directory, which exists and is locked by the core
 * @param fileIO the file system to use
 * @param options backend-specific settings given to the store builder, without their prefix
 */
public record StorageContext(Path directory, FileIO fileIO, Map<String, String> options) {
  public StorageContext {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(fileIO, "fileIO");
    options = Map.copyOf(options);
  }
}
