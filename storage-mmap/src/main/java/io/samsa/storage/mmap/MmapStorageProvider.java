package io.samsa.storage.mmap;

import io.samsa.spi.StorageContext;
import io.samsa.spi.StorageProvider;
import io.samsa.spi.TopicStore;
import io.samsa.spi.layout.DirectoryTopicStore;
import java.io.IOException;

/**
 * The {@code mmap} backend: Kafka's on-disk layout, with every segment file and index
 * preallocated and memory-mapped. Appends are stores into the mapping, reads are slices of it
 * (handed to a channel without another copy), a flush forces the mapping. Mappings are released
 * the moment a segment closes or is deleted, not when the garbage collector finds them.
 *
 * <p>Select it with {@code Samsa.builder(dir).backend("mmap")}. A segment must fit in one
 * mapping: {@code segment.bytes} at most 2,147,483,647.
 */
public final class MmapStorageProvider implements StorageProvider {
  /** The name this backend answers to. */
  public static final String NAME = "mmap";

  /** Called by {@link java.util.ServiceLoader}. */
  public MmapStorageProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TopicStore open(StorageContext context) throws IOException {
    return DirectoryTopicStore.open(context.directory(), context.fileIO(), MmapSegment.FILES);
  }

  @Override
  public String toString() {
    return "MmapStorageProvider";
  }
}
