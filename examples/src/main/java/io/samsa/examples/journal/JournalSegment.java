package io.samsa.examples.journal;

import io.samsa.CorruptRecordException;
import io.samsa.spi.BatchSlice;
import io.samsa.spi.FileIO;
import io.samsa.spi.Segment;
import io.samsa.spi.SegmentRecovery;
import io.samsa.spi.format.BatchScanner;
import io.samsa.spi.format.RecordBatchDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file of record batches, back to back. No index: {@link BatchScanner} finds batches by
 * walking their headers from the start. The size is published (a volatile write) only after a
 * batch is written, and readers read below it, so they never see a partial batch.
 */
final class JournalSegment implements Segment {
  private final FileIO io;
  private final Path file;
  private final long base;
  private final FileChannel ch;
  private volatile long size;
  private volatile long next = -1; // -1 until a scan finds it
  private volatile long maxTimestamp = Long.MIN_VALUE; // MIN_VALUE until a scan finds it

  private JournalSegment(FileIO io, Path file, long base, FileChannel ch, long size) {
    this.io = io;
    this.file = file;
    this.base = base;
    this.ch = ch;
    this.size = size;
  }

  static JournalSegment create(FileIO io, Path file, long base) throws IOException {
    FileChannel ch = io.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    JournalSegment s = new JournalSegment(io, file, base, ch, 0);
    s.next = base;
    s.maxTimestamp = -1;
    return s;
  }

  static JournalSegment open(FileIO io, Path file, long base) throws IOException {
    FileChannel ch = io.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new JournalSegment(io, file, base, ch, ch.size());
  }

  @Override
  public long baseOffset() {
    return base;
  }

  @Override
  public String name() {
    return file.toString();
  }

  @Override
  public long sizeInBytes() {
    return size;
  }

  @Override
  public long nextOffset() throws IOException {
    if (next < 0) {
      scan();
    }
    return next;
  }

  @Override
  public long maxTimestamp() throws IOException {
    if (maxTimestamp == Long.MIN_VALUE) {
      scan();
    }
    return maxTimestamp;
  }

  /** Walks every batch header: the end, the largest timestamp; the bytes must end on a batch. */
  private synchronized void scan() throws IOException {
    BatchScanner scan = new BatchScanner(ch::read, 0, size);
    long end = base;
    long max = -1;
    while (scan.next()) {
      end = scan.lastOffset() + 1;
      max = Math.max(max, scan.maxTimestamp());
    }
    if (scan.problem().isPresent()) {
      throw new CorruptRecordException(name(), scan.nextPosition(), scan.problem().get());
    }
    next = end;
    maxTimestamp = max;
  }

  @Override
  public boolean isFull() {
    return false;
  }

  @Override
  public void append(ByteBuffer batches) throws IOException {
    long position = size;
    long max = maxTimestamp();
    long last = nextOffset() - 1;
    for (int at = batches.position(); at < batches.limit(); at += RecordBatchDescriptor.batchSize(batches, at)) {
      last = RecordBatchDescriptor.lastOffset(batches, at);
      max = Math.max(max, RecordBatchDescriptor.maxTimestamp(batches, at));
    }
    try {
      long at = position;
      while (batches.hasRemaining()) {
        at += ch.write(batches, at);
      }
    } catch (IOException e) {
      ch.truncate(position); // all or nothing
      throw e;
    }
    next = last + 1;
    maxTimestamp = max;
    size = ch.size(); // publish: readers may now see the batches
  }

  @Override
  public BatchSlice read(long startOffset, long endOffset, int maxBytes) throws IOException {
    BatchScanner.Range r = BatchScanner.locate(ch::read, name(), 0, -1, base, size, startOffset,
        endOffset, maxBytes);
    return new BatchSlice() {
      @Override
      public int sizeInBytes() {
        return r.size();
      }

      @Override
      public long position() {
        return r.position();
      }

      @Override
      public void readFully(ByteBuffer dst) throws IOException {
        ByteBuffer view = dst.duplicate();
        view.limit(view.position() + r.size());
        while (view.hasRemaining() && ch.read(view, r.position() + view.position() - dst.position()) >= 0) {
          // keep reading
        }
        dst.position(view.position());
      }

      @Override
      public long writeTo(WritableByteChannel target) throws IOException {
        long done = 0;
        while (done < r.size()) {
          long n = ch.transferTo(r.position() + done, r.size() - done, target);
          if (n <= 0) {
            break;
          }
          done += n;
        }
        return done;
      }
    };
  }

  @Override
  public long timestampLookup(long targetTimestamp) {
    return base; // no time index: the core scans from the start of the segment
  }

  @Override
  public void flush() throws IOException {
    ch.force(false);
  }

  @Override
  public synchronized long truncateTo(long offset) throws IOException {
    long position = BatchScanner.positionOf(ch::read, 0, size, offset);
    if (position < 0) {
      return 0; // at or past the end
    }
    long removed = size - position;
    ch.truncate(position);
    size = position;
    scan();
    return removed;
  }

  @Override
  public synchronized SegmentRecovery recover(long verifiedOffset) throws IOException {
    long length = ch.size();
    BatchScanner.ScanResult r = BatchScanner.recover(ch::read, 0, length, base, (p, s, b, l, t, e) -> { });
    if (r.validEnd() < length) {
      ch.truncate(r.validEnd());
    }
    size = r.validEnd();
    scan();
    return new SegmentRecovery(r.validEnd(), length - r.validEnd(), r.nextOffset(), r.problem());
  }

  @Override
  public void seal() {
    // nothing to trim or finish
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }

  @Override
  public void delete() throws IOException {
    ch.close();
    io.deleteIfExists(file);
    io.syncDirectory(file.getParent());
  }
}
