package io.samsa.storage.file;

import io.samsa.spi.BatchSlice;
import io.samsa.spi.FileIO;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.layout.IndexedSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A segment in plain files: the {@code .log} written with {@link FileChannel} positional writes
 * (never preallocated, so its length is always exactly its batches) and read with positional reads
 * or {@code transferTo}; the indexes kept on the heap and mirrored to their files. Everything else
 * (the indexing rule, recovery, truncation) is {@link IndexedSegment}'s.
 *
 * <p>Reads tell the page cache what comes next (see {@link PageCachePolicy}): a sequential reader
 * gets the window ahead of it loaded, and the bytes behind it dropped once the segment is sealed
 * and flushed.
 */
final class FileSegment extends IndexedSegment {
  private final FileSegments owner;
  private final FileChannel log;
  private final ReadAhead readAhead;
  private volatile long flushedSize;
  private long sealedSeenAtMs = -1; // maintenance thread only
  private boolean droppedCold; // maintenance thread only

  FileSegment(FileSegments owner, FileIO io, Path dir, long baseOffset, SegmentOptions options,
      FileChannel log, Consumer<IndexedSegment> onDelete) {
    super(io, dir, baseOffset, options, false, onDelete);
    this.owner = owner;
    this.log = log;
    PageCachePolicy policy = owner.policy;
    this.readAhead = policy.readaheadBytes() > 0 || policy.dropBehind()
        ? new ReadAhead(policy.readaheadBytes(), policy.dropBehind()) : null;
  }

  void start(long size, boolean fresh) throws IOException {
    initialize(size, fresh, false);
    flushedSize = size; // a segment found on disk was forced before (close, or recovery's flush)
  }

  @Override
  protected void writeData(ByteBuffer src, long position) throws IOException {
    long at = position;
    while (src.hasRemaining()) {
      at += log.write(src, at);
    }
  }

  @Override
  protected int readData(ByteBuffer dst, long position) throws IOException {
    return log.read(dst, position);
  }

  @Override
  protected BatchSlice sliceData(long position, int length) {
    if (readAhead != null) {
      long size = sizeInBytes();
      ReadAhead.Advice a = readAhead.onRead(position, length, size, isSealed() ? flushedSize : 0);
      if (a.load()) {
        owner.willNeed(logPath(), a.loadFrom(), a.loadTo());
      }
      if (a.drop()) {
        owner.dontNeed(logPath(), a.dropFrom(), a.dropTo());
      }
    }
    return new FileSlice(log, position, length);
  }

  @Override
  protected void truncateData(long size) throws IOException {
    if (log.size() > size) {
      log.truncate(size);
      flushedSize = Math.min(flushedSize, size);
      if (readAhead != null) {
        readAhead.reset();
      }
    }
  }

  @Override
  protected void forceData(long size) throws IOException {
    log.force(false); // fdatasync: the data and the length it needs
    flushedSize = size;
  }

  @Override
  protected long dataLength() throws IOException {
    return log.size();
  }

  @Override
  protected void closeData() throws IOException {
    owner.closed(this);
    log.close();
  }

  /**
   * Whether the segment turned cold at {@code nowMs}: sealed and flushed for {@code coldAfterMs}
   * (counted from when maintenance first saw it sealed). True once per sealing.
   */
  boolean coldAt(long nowMs, long coldAfterMs) {
    if (!isSealed()) {
      sealedSeenAtMs = -1;
      droppedCold = false;
      return false;
    }
    if (sealedSeenAtMs < 0) {
      sealedSeenAtMs = nowMs;
    }
    if (droppedCold || nowMs - sealedSeenAtMs < coldAfterMs || flushedSize < sizeInBytes()) {
      return false;
    }
    droppedCold = true;
    return true;
  }

  Path logFile() {
    return logPath();
  }
}
