package io.samsa.storage.file;

import io.samsa.spi.StorageContext;
import io.samsa.spi.StorageProvider;
import io.samsa.spi.TopicStore;
import io.samsa.spi.layout.DirectoryTopicStore;
import java.io.IOException;

/**
 * The {@code file} backend: Kafka's on-disk layout, written with {@link
 * java.nio.channels.FileChannel} positional writes and read with {@code transferTo} (zero copy).
 *
 * <p>Select it with {@code Samsa.builder(dir).backend("file")} (the default).
 */
public final class FileStorageProvider implements StorageProvider {
  /** The name this backend answers to. */
  public static final String NAME = "file";

  /** Called by {@link java.util.ServiceLoader}. */
  public FileStorageProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TopicStore open(StorageContext context) throws IOException {
    return DirectoryTopicStore.open(context.directory(), context.fileIO(), FileSegment.FILES);
  }

  @Override
  public String toString() {
    return "FileStorageProvider";
  }
}
