package io.samsa.testkit.memory;

import io.samsa.CorruptRecordException;
import io.samsa.TopicPartition;
import io.samsa.spi.BatchSlice;
import io.samsa.spi.Segment;
import io.samsa.spi.SegmentRecovery;
import io.samsa.spi.format.BatchScanner;
import io.samsa.spi.format.PositionalReader;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A memory segment: no index; every lookup scans the batch headers from the start. */
final class MemorySegment implements Segment {
  private final MemoryDisk disk;
  private final int generation;
  private final TopicPartition partition;
  private final MemoryDisk.PartitionData partitionData;
  private final SegmentData data;

  MemorySegment(MemoryDisk disk, int generation, TopicPartition partition,
      MemoryDisk.PartitionData partitionData, SegmentData data) {
    this.disk = disk;
    this.generation = generation;
    this.partition = partition;
    this.partitionData = partitionData;
    this.data = data;
  }

  private PositionalReader bytes(SegmentData.Content c) {
    return PositionalReader.of(ByteBuffer.wrap(c.bytes(), 0, c.length()).slice());
  }

  @Override
  public long baseOffset() {
    return data.baseOffset;
  }

  @Override
  public String name() {
    return "memory:" + partition + "/" + String.format("%020d", data.baseOffset);
  }

  @Override
  public long sizeInBytes() {
    return data.content().length();
  }

  @Override
  public long nextOffset() throws IOException {
    disk.checkAlive(generation);
    SegmentData.Content c = data.content();
    BatchScanner scan = new BatchScanner(bytes(c), 0, c.length());
    long next = data.baseOffset;
    while (scan.next()) {
      if (scan.baseOffset() != next) {
        throw new CorruptRecordException(name(), scan.position(), "offset out of sequence: baseOffset="
            + scan.baseOffset() + ", expected=" + next);
      }
      next = scan.lastOffset() + 1;
    }
    if (scan.problem().isPresent()) {
      throw new CorruptRecordException(name(), scan.nextPosition(), scan.problem().get());
    }
    return next;
  }

  @Override
  public long maxTimestamp() throws IOException {
    disk.checkAlive(generation);
    SegmentData.Content c = data.content();
    BatchScanner scan = new BatchScanner(bytes(c), 0, c.length());
    long max = -1;
    while (scan.next()) {
      max = Math.max(max, scan.maxTimestamp());
    }
    return max;
  }

  @Override
  public boolean isFull() {
    return false;
  }

  @Override
  public void append(ByteBuffer batches) throws IOException {
    disk.checkAlive(generation);
    byte[] copy = new byte[batches.remaining()];
    batches.get(copy);
    data.append(copy, 0, copy.length);
  }

  @Override
  public BatchSlice read(long startOffset, long endOffset, int maxBytes) throws IOException {
    disk.checkAlive(generation);
    SegmentData.Content c = data.content();
    BatchScanner.Range r = BatchScanner.locate(bytes(c), name(), 0, -1, data.baseOffset, c.length(),
        startOffset, endOffset, maxBytes);
    return BatchSlice.of(ByteBuffer.wrap(c.bytes(), (int) r.position(), r.size()), r.position());
  }

  @Override
  public long timestampLookup(long targetTimestamp) {
    return data.baseOffset; // always correct: the core scans forward from the segment start
  }

  @Override
  public void flush() throws IOException {
    disk.checkAlive(generation);
    data.flush();
  }

  @Override
  public long truncateTo(long offset) throws IOException {
    disk.checkAlive(generation);
    SegmentData.Content c = data.content();
    long position = BatchScanner.positionOf(bytes(c), 0, c.length(), offset);
    if (position < 0) {
      if (offset >= nextOffset()) {
        return 0;
      }
      throw new IllegalArgumentException("not a batch boundary: segment=" + name() + ", offset=" + offset);
    }
    data.truncate((int) position);
    return c.length() - position;
  }

  @Override
  public SegmentRecovery recover(long verifiedOffset) throws IOException {
    disk.checkAlive(generation);
    SegmentData.Content c = data.content();
    BatchScanner.ScanResult r = BatchScanner.recover(bytes(c), 0, c.length(), data.baseOffset,
        (position, size, base, last, maxTimestamp, epoch) -> { });
    if (r.validEnd() < c.length()) {
      data.truncate((int) r.validEnd());
    }
    return new SegmentRecovery(r.validEnd(), c.length() - r.validEnd(), r.nextOffset(), r.problem());
  }

  @Override
  public void seal() throws IOException {
    disk.checkAlive(generation);
  }

  @Override
  public void close() {
    // nothing held
  }

  @Override
  public void delete() throws IOException {
    disk.checkAlive(generation);
    partitionData.segments.remove(data.baseOffset);
  }

  @Override
  public String toString() {
    return name();
  }
}
