package io.samsa.testkit.memory;

import io.samsa.TopicPartition;
import io.samsa.spi.PartitionCheckpoint;
import io.samsa.spi.PartitionStore;
import io.samsa.spi.Segment;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.TopicMetadata;
import io.samsa.spi.TopicStore;
import io.samsa.testkit.CrashKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The memory backend's "disk" for one store directory: topics, partitions, segments and
 * checkpoints. A crash bumps the generation, which kills every object handed out before it.
 */
final class MemoryDisk {
  final Map<String, TopicMetadata> topics = new ConcurrentSkipListMap<>();
  final Map<TopicPartition, PartitionData> partitions = new ConcurrentHashMap<>();
  private volatile int generation;

  /** One partition's segments (by base offset) and checkpoint. */
  static final class PartitionData {
    final ConcurrentSkipListMap<Long, SegmentData> segments = new ConcurrentSkipListMap<>();
    volatile PartitionCheckpoint checkpoint;
  }

  synchronized TopicStore open() {
    return new Store(generation);
  }

  synchronized void crash(CrashKind kind, Random random) {
    generation++;
    for (PartitionData p : partitions.values()) {
      for (SegmentData s : p.segments.values()) {
        s.crash(kind, random);
      }
    }
  }

  void checkAlive(int gen) throws IOException {
    if (gen != generation) {
      throw new IOException("simulated power cut: this store instance's I/O is dead");
    }
  }

  /** The topic store of one open store instance. */
  private final class Store implements TopicStore {
    private final int gen;

    Store(int gen) {
      this.gen = gen;
    }

    @Override
    public List<TopicMetadata> topics() throws IOException {
      checkAlive(gen);
      return new ArrayList<>(topics.values());
    }

    @Override
    public void createTopic(TopicMetadata topic) throws IOException {
      checkAlive(gen);
      for (int p = 0; p < topic.partitionCount(); p++) {
        partitions.put(new TopicPartition(topic.name(), p), new PartitionData());
      }
      topics.put(topic.name(), topic);
    }

    @Override
    public void updateTopic(TopicMetadata topic) throws IOException {
      checkAlive(gen);
      for (int p = topics.get(topic.name()).partitionCount(); p < topic.partitionCount(); p++) {
        partitions.put(new TopicPartition(topic.name(), p), new PartitionData());
      }
      topics.put(topic.name(), topic);
    }

    @Override
    public void deleteTopic(String name) throws IOException {
      checkAlive(gen);
      TopicMetadata meta = topics.remove(name);
      if (meta != null) {
        for (int p = 0; p < meta.partitionCount(); p++) {
          partitions.remove(new TopicPartition(name, p));
        }
      }
    }

    @Override
    public PartitionStore openPartition(TopicPartition partition, SegmentOptions options)
        throws IOException {
      checkAlive(gen);
      PartitionData data = partitions.get(partition);
      if (data == null) {
        throw new IOException("no such partition: " + partition);
      }
      return new Partition(partition, data);
    }

    @Override
    public void close() {
      // nothing held
    }

    private final class Partition implements PartitionStore {
      private final TopicPartition partition;
      private final PartitionData data;

      Partition(TopicPartition partition, PartitionData data) {
        this.partition = partition;
        this.data = data;
      }

      @Override
      public TopicPartition partition() {
        return partition;
      }

      @Override
      public List<Segment> loadSegments() throws IOException {
        checkAlive(gen);
        List<Segment> list = new ArrayList<>();
        for (SegmentData s : new TreeMap<>(data.segments).values()) {
          list.add(new MemorySegment(MemoryDisk.this, gen, partition, data, s));
        }
        return list;
      }

      @Override
      public Segment createSegment(long baseOffset) throws IOException {
        checkAlive(gen);
        SegmentData s = new SegmentData(baseOffset);
        data.segments.put(baseOffset, s);
        return new MemorySegment(MemoryDisk.this, gen, partition, data, s);
      }

      @Override
      public Optional<PartitionCheckpoint> readCheckpoint() throws IOException {
        checkAlive(gen);
        return Optional.ofNullable(data.checkpoint);
      }

      @Override
      public void writeCheckpoint(PartitionCheckpoint checkpoint) throws IOException {
        checkAlive(gen);
        data.checkpoint = checkpoint;
      }

      @Override
      public void close() {
        // nothing held
      }
    }
  }
}
