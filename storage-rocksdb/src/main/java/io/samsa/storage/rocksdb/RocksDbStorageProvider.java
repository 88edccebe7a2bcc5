package io.samsa.storage.rocksdb;

import io.samsa.spi.StorageContext;
import io.samsa.spi.StorageProvider;
import io.samsa.spi.TopicStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@code rocksdb} backend: one RocksDB database per store (under {@code <store>/rocksdb}),
 * every record batch a value keyed by partition and base offset. It is there to compare against
 * the file-based backends. Select it with {@code Samsa.builder(dir).backend("rocksdb")}.
 *
 * <p>RocksDB's native library comes with {@code org.rocksdb:rocksdbjni} for Linux, macOS and
 * Windows; a platform it does not cover fails at open with a message naming the platform.
 */
public final class RocksDbStorageProvider implements StorageProvider {
  /** The name this backend answers to. */
  public static final String NAME = "rocksdb";

  private final List<RocksDbTopicStore> open = new CopyOnWriteArrayList<>();

  /** Called by {@link java.util.ServiceLoader}. */
  public RocksDbStorageProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TopicStore open(StorageContext context) throws IOException {
    Path dir = context.directory().resolve("rocksdb");
    RocksDbTopicStore[] holder = new RocksDbTopicStore[1];
    RocksDbTopicStore store = RocksDbTopicStore.open(dir, () -> open.remove(holder[0]));
    holder[0] = store;
    open.add(store);
    return store;
  }

  /** The stores this provider has open (for crash simulation in tests). */
  List<RocksDbTopicStore> openStores() {
    return List.copyOf(open);
  }

  @Override
  public String toString() {
    return "RocksDbStorageProvider";
  }
}
