package io.samsa.core;

import io.samsa.LogStore;
import io.samsa.Partitioner;
import io.samsa.StoreLockedException;
import io.samsa.TopicConfig;
import io.samsa.UnknownBackendException;
import io.samsa.core.internal.store.Backends;
import io.samsa.core.internal.store.LocalStore;
import io.samsa.core.internal.store.StoreSettings;
import io.samsa.spi.FileIO;
import io.samsa.spi.StorageProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Opens a {@link LogStore}: the one entry point of Samsa.
 *
 * <pre>{@code
 * LogStore store = Samsa.open(Path.of("data"));                 // the file backend, defaults
 *
 * LogStore store = Samsa.builder(Path.of("data"))
 *     .backend("file")                                          // found through ServiceLoader
 *     .defaultTopicConfig(TopicConfig.builder().retentionTime(TopicConfig.FOREVER).build())
 *     .open();
 * }</pre>
 */
public final class Samsa {
  /** The backend used when none is named. */
  public static final String DEFAULT_BACKEND = "file";

  /**
   * The default bound on open file descriptors: below the common soft limit of 1,024 with room
   * for the rest of the process.
   */
  public static final int DEFAULT_MAX_OPEN_FILES = 1000;

  private Samsa() {}

  /** A builder for a store in {@code directory} (created if missing). */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * Opens a store in {@code directory} on the default backend with default settings.
   *
   * @throws UnknownBackendException if the file backend is not on the class path
   * @throws StoreLockedException if another store has the directory open
   */
  public static LogStore open(Path directory) {
    return builder(directory).open();
  }

  /** The names of the backends found on the class path, sorted. */
  public static List<String> availableBackends() {
    return Backends.available(Samsa.class.getClassLoader());
  }

  /** Configures and opens a store. Not thread-safe; each setter checks its value at once. */
  public static final class Builder {
    private final Path directory;
    private String backend = DEFAULT_BACKEND;
    private StorageProvider provider;
    private TopicConfig defaultTopicConfig = TopicConfig.defaults();
    private Partitioner partitioner = Partitioner.murmur2();
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler;
    private FileIO fileIO = FileIO.standard();
    private Duration retentionCheckInterval = Duration.ofMinutes(5);
    private Duration checkpointInterval = Duration.ofMinutes(1);
    private int recoveryThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int maxOpenFiles = DEFAULT_MAX_OPEN_FILES;
    private final Map<String, String> backendOptions = new LinkedHashMap<>();

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The backend's name, found through {@link java.util.ServiceLoader}; default {@code file}. */
    public Builder backend(String name) {
      this.backend = Objects.requireNonNull(name, "name");
      this.provider = null;
      return this;
    }

    /** Uses this provider instance instead of looking one up by name. */
    public Builder provider(StorageProvider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      this.backend = provider.name();
      return this;
    }

    /** The config of topics created without one. */
    public Builder defaultTopicConfig(TopicConfig config) {
      this.defaultTopicConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Maps keys to partitions in {@link io.samsa.Topic#append}; default Kafka's murmur2. */
    public Builder partitioner(Partitioner partitioner) {
      this.partitioner = Objects.requireNonNull(partitioner, "partitioner");
      return this;
    }

    /** The clock for record timestamps, segment age and retention; default UTC system time. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where background work runs; default a daemon thread of the store's own. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The file system the store and its backend use; for fault injection in tests. */
    public Builder fileIO(FileIO fileIO) {
      this.fileIO = Objects.requireNonNull(fileIO, "fileIO");
      return this;
    }

    /** How often background retention runs; default 5 minutes, as Kafka's. */
    public Builder retentionCheckInterval(Duration interval) {
      this.retentionCheckInterval = positive(interval, "retentionCheckInterval");
      return this;
    }

    /** How often recovery points are checkpointed; default 1 minute, as Kafka's. */
    public Builder checkpointInterval(Duration interval) {
      this.checkpointInterval = positive(interval, "checkpointInterval");
      return this;
    }

    /** Threads that recover partitions at open; default one per processor. */
    public Builder recoveryThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("recoveryThreads must be >= 1: threads=" + threads);
      }
      this.recoveryThreads = threads;
      return this;
    }

    /**
     * How many file descriptors the backend's files may hold open at once; default {@value
     * #DEFAULT_MAX_OPEN_FILES}. Files beyond the bound (segments and indexes of idle partitions)
     * are closed and reopened on demand, least recently used first; a descriptor is never closed
     * under an operation, so operations in flight may briefly exceed the bound. Raise it if the
     * process's limit ({@code ulimit -n}) allows and many partitions are busy at once; every
     * backend that does its file I/O through {@link io.samsa.spi.StorageContext#fileIO()} is
     * bounded by it.
     *
     * @throws IllegalArgumentException if {@code maxOpenFiles < 1}
     */
    public Builder maxOpenFiles(int maxOpenFiles) {
      if (maxOpenFiles < 1) {
        throw new IllegalArgumentException("maxOpenFiles must be >= 1: maxOpenFiles=" + maxOpenFiles);
      }
      this.maxOpenFiles = maxOpenFiles;
      return this;
    }

    /** A backend-specific setting, passed to the backend as is. */
    public Builder backendOption(String key, String value) {
      backendOptions.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Opens the store, recovering it if it was not closed cleanly.
     *
     * @throws UnknownBackendException if no backend has the chosen name
     * @throws StoreLockedException if another store has the directory open
     * @throws io.samsa.StorageException if the directory cannot be used
     */
    public LogStore open() {
      StorageProvider chosen =
          provider != null ? provider : Backends.find(backend, Samsa.class.getClassLoader());
      StoreSettings settings = new StoreSettings(directory.toAbsolutePath().normalize(), chosen,
          defaultTopicConfig, partitioner, clock, scheduler, fileIO, retentionCheckInterval,
          checkpointInterval, recoveryThreads, maxOpenFiles, backendOptions);
      return LocalStore.open(settings);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + name + "=" + d);
      }
      return d;
    }
  }
}
