package io.samsa.storage.rocksdb;

import io.samsa.TopicPartition;
import io.samsa.spi.BatchSlice;
import io.samsa.spi.Segment;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.SegmentRecovery;
import io.samsa.spi.format.BatchValidator;
import io.samsa.spi.format.RecordBatchDescriptor;
import io.samsa.spi.layout.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * A segment as a key range of the {@code batches} column family: one value per record batch,
 * keyed by partition id and base offset. Finding the batch that holds an offset is one seek
 * ({@code seekForPrev} to the offset's key).
 *
 * <h2>Time index</h2>
 * The {@code timeindex} column family holds, per segment, the same sparse entries a {@code
 * .timeindex} file would (the largest timestamp so far, whenever it grew at an index interval,
 * with the last offset of the batch that reached it), keyed by timestamp: a lookup is one {@code
 * seekForPrev}. A second column family rather than a file, so that it is written in the same
 * atomic batch as the data.
 *
 * <h2>State</h2>
 * The segment's end offset, size, largest timestamp and indexing progress are one value in {@code
 * meta}, written in the same {@code WriteBatch} as the batches: after a crash the write-ahead log
 * replays both or neither.
 *
 * <h2>Deletion and tombstones</h2>
 * Deleting a segment (retention) or cutting one (truncation, recovery) writes range tombstones
 * ({@code DeleteRange}), one per column family, and then drops the SST files that lie wholly inside
 * the deleted range ({@code deleteFilesInRanges}), which frees most of the space at once. Every
 * iterator is bounded below and above by the segment's keys, so reads never walk over the
 * tombstones of deleted segments; compaction removes the rest.
 */
final class RocksDbSegment implements Segment {
  private final RocksDbTopicStore store;
  private final TopicPartition partition;
  private final long id;
  private final long base;
  private final SegmentOptions options;
  private volatile State state;

  /**
   * The persisted state of a segment.
   *
   * @param end one past the last offset held
   * @param size bytes of batches held
   * @param maxTimestamp the largest batch timestamp, or -1
   * @param offsetOfMax the last offset of the batch that reached it
   * @param indexedTimestamp the timestamp of the last time-index entry, or -1
   * @param sinceIndexed bytes of batches since the last index interval was reached
   */
  record State(long end, long size, long maxTimestamp, long offsetOfMax, long indexedTimestamp,
      long sinceIndexed) {
    static State empty(long base) {
      return new State(base, 0, -1, -1, Long.MIN_VALUE, 0);
    }

    byte[] encode() {
      return ByteBuffer.allocate(48).putLong(end).putLong(size).putLong(maxTimestamp)
          .putLong(offsetOfMax).putLong(indexedTimestamp).putLong(sinceIndexed).array();
    }

    static State decode(byte[] v) {
      ByteBuffer b = ByteBuffer.wrap(v);
      return new State(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }
  }

  RocksDbSegment(RocksDbTopicStore store, TopicPartition partition, long id, long base,
      SegmentOptions options, State state) {
    this.store = store;
    this.partition = partition;
    this.id = id;
    this.base = base;
    this.options = options;
    this.state = state;
  }

  @Override
  public long baseOffset() {
    return base;
  }

  @Override
  public String name() {
    return "rocksdb:" + partition + "/" + SegmentFiles.fileName(base);
  }

  @Override
  public long sizeInBytes() {
    return state.size();
  }

  @Override
  public long nextOffset() {
    return state.end();
  }

  @Override
  public long maxTimestamp() {
    return state.maxTimestamp();
  }

  @Override
  public boolean isFull() {
    return false;
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public void append(ByteBuffer batches) throws IOException {
    State s = state;
    try (RocksDbTopicStore.Guard g = store.enterToWrite(); WriteBatch wb = new WriteBatch()) {
      long size = s.size();
      long max = s.maxTimestamp();
      long offsetOfMax = s.offsetOfMax();
      long indexed = s.indexedTimestamp();
      long since = s.sinceIndexed();
      long last = s.end() - 1;
      for (int at = batches.position(); at < batches.limit(); ) {
        int batchSize = RecordBatchDescriptor.batchSize(batches, at);
        byte[] bytes = new byte[batchSize];
        batches.get(at, bytes);
        long batchBase = RecordBatchDescriptor.baseOffset(batches, at);
        last = RecordBatchDescriptor.lastOffset(batches, at);
        wb.put(store.batches, Keys.batch(id, batchBase), bytes);
        long batchMax = RecordBatchDescriptor.maxTimestamp(batches, at);
        if (batchMax > max) {
          max = batchMax;
          offsetOfMax = last;
        }
        // The rule of a .timeindex file: at an index interval, if the largest timestamp grew.
        if (since > options.indexIntervalBytes() && max > indexed) {
          wb.put(store.timeIndex, Keys.time(id, base, max), Keys.longValue(offsetOfMax));
          indexed = max;
          since = 0;
        }
        since += batchSize;
        size += batchSize;
        at += batchSize;
      }
      State next = new State(last + 1, size, max, offsetOfMax, indexed, since);
      wb.put(store.meta, Keys.segment(id, base), next.encode());
      store.write(wb, options.syncEveryAppend());
      state = next; // publish
      batches.position(batches.limit());
    } catch (RocksDBException e) {
      throw store.io("append to " + name(), e);
    }
  }

  @Override
  public BatchSlice read(long startOffset, long endOffset, int maxBytes) throws IOException {
    State s = state;
    if (s.size() == 0 || startOffset >= endOffset || startOffset >= s.end()) {
      return BatchSlice.empty(-1);
    }
    List<byte[]> values = new ArrayList<>();
    int total = 0;
    try (RocksDbTopicStore.Guard g = store.enter(); Slice lower = new Slice(Keys.batch(id, base)); Slice upper = new Slice(Keys.batch(id, s.end()));
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = store.db.newIterator(store.batches, ro)) {
      it.seekForPrev(Keys.batch(id, startOffset)); // the batch holding the offset: one seek
      for (; it.isValid(); it.next()) {
        byte[] v = it.value();
        if (!values.isEmpty() && (Keys.offsetOf(it.key()) >= endOffset || total + v.length > maxBytes)) {
          break;
        }
        values.add(v);
        total += v.length;
      }
      it.status();
    } catch (RocksDBException e) {
      throw store.io("read " + name(), e);
    }
    ByteBuffer bytes = ByteBuffer.allocate(total);
    for (byte[] v : values) {
      bytes.put(v);
    }
    return BatchSlice.of(bytes.flip(), -1);
  }

  @Override
  public long timestampLookup(long targetTimestamp) throws IOException {
    try (RocksDbTopicStore.Guard g = store.enter(); Slice lower = new Slice(Keys.timeStart(id, base)); Slice upper = new Slice(Keys.timeEnd(id, base));
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = store.db.newIterator(store.timeIndex, ro)) {
      it.seekForPrev(Keys.time(id, base, targetTimestamp));
      long offset = it.isValid() ? Keys.longOf(it.value()) : base;
      it.status();
      return offset;
    } catch (RocksDBException e) {
      throw store.io("look up a timestamp in " + name(), e);
    }
  }

  @Override
  public void flush() throws IOException {
    store.syncWal();
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public long truncateTo(long offset) throws IOException {
    State s = state;
    if (offset >= s.end()) {
      return 0;
    }
    Scan kept = scan(offset, false);
    if (kept.end() != offset) {
      throw new IllegalArgumentException("not a batch boundary: segment=" + name() + ", offset=" + offset);
    }
    long removed = s.size() - kept.state().size();
    cut(kept, true);
    return removed;
  }

  @Override
  public SegmentRecovery recover(long verifiedOffset) throws IOException {
    State s = state;
    Scan valid = scan(s.end(), true);
    long cutBytes = s.size() - valid.state().size();
    if (cutBytes > 0 || valid.state().end() != s.end()) {
      cut(valid, true);
    } else {
      rewriteTimeIndex(valid);
    }
    return new SegmentRecovery(valid.state().size(), cutBytes, valid.state().end(),
        cutBytes > 0 ? valid.problem() : Optional.empty());
  }

  /** What a scan of the segment's batches found: the state they add up to and their time entries. */
  private record Scan(State state, long end, List<long[]> timeEntries, Optional<String> problem) {}

  /**
   * Walks the batches below {@code upTo}, rebuilding the state and the time entries; with {@code
   * validate}, stops at the first batch that is not intact or out of sequence.
   */
  private Scan scan(long upTo, boolean validate) throws IOException {
    State s = State.empty(base);
    List<long[]> entries = new ArrayList<>();
    Optional<String> problem = Optional.empty();
    int epoch = Integer.MIN_VALUE;
    try (RocksDbTopicStore.Guard g = store.enter(); Slice lower = new Slice(Keys.batch(id, base)); Slice upper = new Slice(Keys.batch(id, upTo));
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = store.db.newIterator(store.batches, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        ByteBuffer b = ByteBuffer.wrap(it.value());
        if (validate) {
          problem = BatchValidator.check(b, 0, b.limit());
          if (problem.isEmpty() && RecordBatchDescriptor.batchSize(b, 0) != b.limit()) {
            problem = Optional.of("value holds more than one batch: size=" + b.limit());
          }
          if (problem.isEmpty()) {
            problem = BatchValidator.checkSequence(RecordBatchDescriptor.baseOffset(b, 0),
                RecordBatchDescriptor.lastOffset(b, 0), RecordBatchDescriptor.partitionLeaderEpoch(b, 0),
                s.end(), base, epoch);
          }
          if (problem.isEmpty() && Keys.offsetOf(it.key()) != RecordBatchDescriptor.baseOffset(b, 0)) {
            problem = Optional.of("key and batch disagree: key offset=" + Keys.offsetOf(it.key())
                + ", baseOffset=" + RecordBatchDescriptor.baseOffset(b, 0));
          }
          if (problem.isPresent()) {
            break;
          }
          epoch = RecordBatchDescriptor.partitionLeaderEpoch(b, 0);
        }
        long last = RecordBatchDescriptor.lastOffset(b, 0);
        long max = s.maxTimestamp();
        long offsetOfMax = s.offsetOfMax();
        long batchMax = RecordBatchDescriptor.maxTimestamp(b, 0);
        if (batchMax > max) {
          max = batchMax;
          offsetOfMax = last;
        }
        long indexed = s.indexedTimestamp();
        long since = s.sinceIndexed();
        if (since > options.indexIntervalBytes() && max > indexed) {
          entries.add(new long[] {max, offsetOfMax});
          indexed = max;
          since = 0;
        }
        s = new State(last + 1, s.size() + b.limit(), max, offsetOfMax, indexed, since + b.limit());
      }
      it.status();
    } catch (RocksDBException e) {
      throw store.io("scan " + name(), e);
    }
    return new Scan(s, s.end(), entries, problem);
  }

  /** Makes the segment what {@code kept} describes: deletes every batch after it, synced. */
  private void cut(Scan kept, boolean sync) throws IOException {
    State old = state;
    try (RocksDbTopicStore.Guard g = store.enterToWrite(); WriteBatch wb = new WriteBatch()) {
      wb.deleteRange(store.batches, Keys.batch(id, kept.end()), Keys.batch(id, Math.max(old.end(), kept.end()) + 1));
      timeIndexTo(wb, kept);
      wb.put(store.meta, Keys.segment(id, base), kept.state().encode());
      store.write(wb, sync);
      state = kept.state();
    } catch (RocksDBException e) {
      throw store.io("cut " + name(), e);
    }
  }

  private void rewriteTimeIndex(Scan scan) throws IOException {
    try (RocksDbTopicStore.Guard g = store.enterToWrite(); WriteBatch wb = new WriteBatch()) {
      timeIndexTo(wb, scan);
      wb.put(store.meta, Keys.segment(id, base), scan.state().encode());
      store.write(wb, true);
      state = scan.state();
    } catch (RocksDBException e) {
      throw store.io("rebuild the time index of " + name(), e);
    }
  }

  private void timeIndexTo(WriteBatch wb, Scan scan) throws RocksDBException {
    wb.deleteRange(store.timeIndex, Keys.timeStart(id, base), Keys.timeEnd(id, base));
    for (long[] e : scan.timeEntries()) {
      wb.put(store.timeIndex, Keys.time(id, base, e[0]), Keys.longValue(e[1]));
    }
  }

  @Override
  public void seal() {
    // nothing to trim: a key range has no preallocated tail
  }

  @Override
  public void close() {
    // nothing is held per segment
  }

  @Override
  public void delete() throws IOException {
    State s = state;
    byte[] from = Keys.batch(id, base);
    byte[] to = Keys.batch(id, s.end());
    try (RocksDbTopicStore.Guard g = store.enterToWrite(); WriteBatch wb = new WriteBatch()) {
      wb.deleteRange(store.batches, from, to);
      wb.deleteRange(store.timeIndex, Keys.timeStart(id, base), Keys.timeEnd(id, base));
      wb.delete(store.meta, Keys.segment(id, base));
      store.write(wb, false);
      // Reclaim the space of SST files that lie wholly inside the range now, not at compaction.
      store.db.deleteFilesInRanges(store.batches, List.of(from, to), false);
    } catch (RocksDBException e) {
      throw store.io("delete " + name(), e);
    }
  }

  @Override
  public String toString() {
    return name() + " " + state;
  }
}
