package io.samsa.storage.file;

import io.samsa.spi.BatchSlice;
import io.samsa.spi.FileIO;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.layout.IndexedSegment;
import io.samsa.spi.layout.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * A segment in plain files: the {@code .log} written with {@link FileChannel} positional writes
 * (never preallocated, so its length is always exactly its batches) and read with positional reads
 * or {@code transferTo}; the indexes kept on the heap and mirrored to their files. Everything else
 * (the indexing rule, recovery, truncation) is {@link IndexedSegment}'s.
 */
final class FileSegment extends IndexedSegment {
  /** Makes file segments for the directory layout. */
  static final SegmentFiles FILES = new SegmentFiles() {
    @Override
    public IndexedSegment create(FileIO io, Path dir, long baseOffset, SegmentOptions options,
        Consumer<IndexedSegment> onDelete) throws IOException {
      Path logPath = dir.resolve(SegmentFiles.fileName(baseOffset) + SegmentFiles.LOG_SUFFIX);
      FileChannel ch = io.open(logPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      FileSegment s = new FileSegment(io, dir, baseOffset, options, ch, onDelete);
      try {
        s.initialize(0, true, false);
      } catch (IOException e) {
        ch.close();
        throw e;
      }
      return s;
    }

    @Override
    public IndexedSegment open(FileIO io, Path dir, long baseOffset, SegmentOptions options,
        Consumer<IndexedSegment> onDelete) throws IOException {
      Path logPath = dir.resolve(SegmentFiles.fileName(baseOffset) + SegmentFiles.LOG_SUFFIX);
      FileChannel ch = io.open(logPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileSegment s = new FileSegment(io, dir, baseOffset, options, ch, onDelete);
      s.initialize(ch.size(), false, false);
      return s;
    }
  };

  private final FileChannel log;

  private FileSegment(FileIO io, Path dir, long baseOffset, SegmentOptions options, FileChannel log,
      Consumer<IndexedSegment> onDelete) {
    super(io, dir, baseOffset, options, false, onDelete);
    this.log = log;
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
    return new FileSlice(log, position, length);
  }

  @Override
  protected void truncateData(long size) throws IOException {
    if (log.size() > size) {
      log.truncate(size);
    }
  }

  @Override
  protected void forceData(long size) throws IOException {
    log.force(false); // fdatasync: the data and the length it needs
  }

  @Override
  protected long dataLength() throws IOException {
    return log.size();
  }

  @Override
  protected void closeData() throws IOException {
    log.close();
  }
}
