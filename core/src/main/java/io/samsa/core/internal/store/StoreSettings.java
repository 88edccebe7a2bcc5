package io.samsa.core.internal.store;

import io.samsa.Partitioner;
import io.samsa.TopicConfig;
import io.samsa.core.Scheduler;
import io.samsa.spi.FileIO;
import io.samsa.spi.StorageProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Everything the builder collected. {@code scheduler} is null for "the store's own thread". */
public record StoreSettings(
    Path directory,
    StorageProvider provider,
    TopicConfig defaultTopicConfig,
    Partitioner partitioner,
    Clock clock,
    Scheduler scheduler,
    FileIO fileIO,
    Duration retentionCheckInterval,
    Duration checkpointInterval,
    int recoveryThreads,
    int maxOpenFiles,
    Map<String, String> backendOptions) {

  public StoreSettings {
    backendOptions = Map.copyOf(backendOptions);
  }
}
