package io.samsa.core.internal.store;

import io.samsa.AppendResult;
import io.samsa.Log;
import io.samsa.ProducerRecord;
import io.samsa.Topic;
import io.samsa.TopicConfig;
import java.util.Objects;

/** A handle on a topic of a {@link LocalStore}; it looks the topic up on every call. */
final class LocalTopic implements Topic {
  private final LocalStore store;
  private final String name;

  LocalTopic(LocalStore store, String name) {
    this.store = store;
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int partitionCount() {
    return store.require(name).partitions.length;
  }

  @Override
  public TopicConfig config() {
    return store.require(name).config;
  }

  @Override
  public Log partition(int partition) {
    return LocalStore.partitionLog(store.require(name), partition);
  }

  @Override
  public AppendResult append(ProducerRecord record) {
    Objects.requireNonNull(record, "record");
    LocalStore.TopicState state = store.require(name);
    int count = state.partitions.length;
    int partition = record.key() == null
        ? Math.floorMod(state.nextKeyless.getAndIncrement(), count)
        : partitionFor(record.key(), count);
    return LocalStore.partitionLog(state, partition).append(record);
  }

  @Override
  public int partitionFor(byte[] key) {
    Objects.requireNonNull(key, "key");
    return partitionFor(key, store.require(name).partitions.length);
  }

  private int partitionFor(byte[] key, int count) {
    int p = store.partitioner().partition(key, count);
    if (p < 0 || p >= count) {
      throw new IllegalStateException("partitioner returned a partition out of range: partitioner="
          + store.partitioner() + ", partition=" + p + ", partitionCount=" + count);
    }
    return p;
  }

  @Override
  public String toString() {
    return "Topic{" + name + '}';
  }
}
