package io.samsa.storage.rocksdb;

import io.samsa.TopicPartition;
import io.samsa.spi.PartitionCheckpoint;
import io.samsa.spi.PartitionStore;
import io.samsa.spi.Segment;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.format.CheckpointFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/** One partition's key ranges: its segments' state and its checkpoint live in {@code meta}. */
final class RocksDbPartitionStore implements PartitionStore {
  private final RocksDbTopicStore store;
  private final TopicPartition partition;
  private final long id;
  private final SegmentOptions options;

  RocksDbPartitionStore(RocksDbTopicStore store, TopicPartition partition, long id, SegmentOptions options) {
    this.store = store;
    this.partition = partition;
    this.id = id;
    this.options = options;
  }

  @Override
  public TopicPartition partition() {
    return partition;
  }

  @Override
  public List<Segment> loadSegments() throws IOException {
    List<Segment> segments = new ArrayList<>();
    try (RocksDbTopicStore.Guard g = store.enter(); Slice lower = new Slice(Keys.segmentsStart(id)); Slice upper = new Slice(Keys.segmentsEnd(id));
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = store.db.newIterator(store.meta, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        segments.add(new RocksDbSegment(store, partition, id, Keys.segmentBaseOf(it.key()), options,
            RocksDbSegment.State.decode(it.value())));
      }
      it.status();
    } catch (RocksDBException e) {
      throw store.io("load the segments of " + partition, e);
    }
    return segments;
  }

  @Override
  public Segment createSegment(long baseOffset) throws IOException {
    RocksDbSegment.State state = RocksDbSegment.State.empty(baseOffset);
    try (RocksDbTopicStore.Guard g = store.enterToWrite(); WriteBatch wb = new WriteBatch()) {
      wb.put(store.meta, Keys.segment(id, baseOffset), state.encode());
      store.write(wb, false);
    } catch (RocksDBException e) {
      throw store.io("create a segment of " + partition, e);
    }
    return new RocksDbSegment(store, partition, id, baseOffset, options, state);
  }

  @Override
  public Optional<PartitionCheckpoint> readCheckpoint() throws IOException {
    try (RocksDbTopicStore.Guard g = store.enter()) {
      byte[] v = store.db.get(store.meta, Keys.checkpoint(id));
      return v == null ? Optional.empty()
          : Optional.of(CheckpointFormat.decode(v, "rocksdb:" + partition + "/checkpoint"));
    } catch (RocksDBException e) {
      throw store.io("read the checkpoint of " + partition, e);
    }
  }

  @Override
  public void writeCheckpoint(PartitionCheckpoint checkpoint) throws IOException {
    try (RocksDbTopicStore.Guard g = store.enterToWrite()) {
      store.putSynced(store.meta, Keys.checkpoint(id), CheckpointFormat.encode(checkpoint));
    } catch (RocksDBException e) {
      throw store.io("write the checkpoint of " + partition, e);
    }
  }

  @Override
  public void close() {
    // nothing is held per partition
  }
}
