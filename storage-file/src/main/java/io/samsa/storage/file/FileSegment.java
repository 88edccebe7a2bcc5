package io.samsa.storage.file;

import io.samsa.CorruptRecordException;
import io.samsa.spi.BatchSlice;
import io.samsa.spi.FileIO;
import io.samsa.spi.Segment;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.SegmentRecovery;
import io.samsa.spi.format.BatchScanner;
import io.samsa.spi.format.RecordBatchDescriptor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * A segment as Kafka lays it out: {@code <base>.log} holding the record batches back to back,
 * with a sparse {@link OffsetIndex} ({@code .index}) and {@link TimeIndex} ({@code .timeindex}),
 * all named by the 20-digit zero-padded base offset.
 *
 * <h2>Indexing</h2>
 * After each batch, if more than {@code index.interval.bytes} of batches were written since the
 * last entry, an offset entry (batch's last offset, batch's position) is added, and a time entry
 * (largest timestamp so far, last offset of the batch that reached it) if that timestamp grew.
 * The same rule rebuilds the indexes during recovery, so both paths produce the same files.
 *
 * <h2>Visibility and failure</h2>
 * An append writes the data, then the index entries, and only then publishes the new size
 * (volatile); readers read below the size they saw, so they see whole batches only. If any write
 * fails the log is cut back to where it was and the indexes forget the new entries.
 *
 * <h2>Crash behaviour</h2>
 * The indexes of the active segment are not forced with its data: after a crash the segment is
 * recovered, which rebuilds them. Every other change to an index is forced before anything
 * relies on it: a sealed segment's indexes with its data (before the recovery point passes it),
 * a closing segment's (a clean shutdown trusts them), a rebuilt one's at once. Indexes of an
 * existing segment are loaded lazily and checked; insane ones are rebuilt from the log.
 *
 * <h2>Threading</h2>
 * As {@link Segment} states: one caller at a time changes the segment; reads run alongside
 * appends. Lazy loading and scanning of the tail are serialized by an internal lock.
 */
final class FileSegment implements Segment {
  private static final System.Logger LOG = System.getLogger(FileSegment.class.getName());

  private final FileIO io;
  private final Path logPath;
  private final long baseOffset;
  private final SegmentOptions options;
  private final OffsetIndex offsetIndex;
  private final TimeIndex timeIndex;
  private final FileChannel log;
  private final Consumer<FileSegment> onDelete;
  private final Object lock = new Object();

  private volatile long size;
  private volatile long nextOffset = -1; // -1: not known yet
  private volatile boolean indexesLoaded;
  private volatile long maxTimestamp = -1;
  private long offsetOfMaxTimestamp = -1;
  private long bytesSinceIndexEntry;
  private boolean sealed; // guarded by lock
  private boolean closed;

  private FileSegment(FileIO io, Path dir, long baseOffset, SegmentOptions options, FileChannel log,
      long size, Consumer<FileSegment> onDelete) {
    this.io = io;
    this.onDelete = onDelete;
    this.baseOffset = baseOffset;
    this.options = options;
    String prefix = fileName(baseOffset);
    this.logPath = dir.resolve(prefix + ".log");
    this.offsetIndex = new OffsetIndex(io, dir.resolve(prefix + ".index"), options.maxIndexBytes());
    this.timeIndex = new TimeIndex(io, dir.resolve(prefix + ".timeindex"), options.maxIndexBytes());
    this.log = log;
    this.size = size;
  }

  /** The 20-digit zero-padded base offset that names a segment's files. */
  static String fileName(long baseOffset) {
    return String.format("%020d", baseOffset);
  }

  /** Creates a new, empty segment (replacing leftovers of the same name). */
  static FileSegment create(FileIO io, Path dir, long baseOffset, SegmentOptions options,
      Consumer<FileSegment> onDelete) throws IOException {
    Path logPath = dir.resolve(fileName(baseOffset) + ".log");
    FileChannel ch = io.open(logPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    FileSegment s = new FileSegment(io, dir, baseOffset, options, ch, 0, onDelete);
    try {
      s.offsetIndex.create();
      s.timeIndex.create();
    } catch (IOException e) {
      s.closeQuietly();
      throw e;
    }
    s.nextOffset = baseOffset;
    s.indexesLoaded = true;
    return s;
  }

  /** Opens an existing segment; its indexes are loaded when first needed. */
  static FileSegment open(FileIO io, Path dir, long baseOffset, SegmentOptions options,
      Consumer<FileSegment> onDelete) throws IOException {
    Path logPath = dir.resolve(fileName(baseOffset) + ".log");
    FileChannel ch = io.open(logPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new FileSegment(io, dir, baseOffset, options, ch, ch.size(), onDelete);
  }

  @Override
  public long baseOffset() {
    return baseOffset;
  }

  @Override
  public String name() {
    return logPath.toString();
  }

  @Override
  public long sizeInBytes() {
    return size;
  }

  @Override
  public long nextOffset() throws IOException {
    long known = nextOffset;
    if (known >= 0) {
      return known;
    }
    synchronized (lock) {
      if (nextOffset < 0) {
        ensureIndexesLoaded();
        nextOffset = scanTail();
      }
      return nextOffset;
    }
  }

  /** Walks the batches after the last index entry to find the end; they must end exactly at size. */
  private long scanTail() throws IOException {
    long from = offsetIndex.lastPosition();
    BatchScanner scan = new BatchScanner(log::read, from, size);
    long next = from == 0 ? baseOffset : -1;
    while (scan.next()) {
      if (next >= 0 && scan.baseOffset() != next) {
        throw new CorruptRecordException(name(), scan.position(), "offset out of sequence: baseOffset="
            + scan.baseOffset() + ", expected=" + next);
      }
      next = scan.lastOffset() + 1;
    }
    if (scan.problem().isPresent()) {
      throw new CorruptRecordException(name(), scan.nextPosition(), scan.problem().get());
    }
    return next < 0 ? baseOffset : next;
  }

  @Override
  public long maxTimestamp() throws IOException {
    ensureIndexesLoaded();
    return maxTimestamp;
  }

  @Override
  public boolean isFull() {
    return offsetIndex.isFull() || timeIndex.count() >= timeIndex.maxEntries() - 1;
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public void append(ByteBuffer batches) throws IOException {
    ensureIndexesLoaded();
    long position = size;
    int start = batches.position();
    int length = batches.remaining();
    int offsetEntries = offsetIndex.count();
    int timeEntries = timeIndex.count();
    long savedMax = maxTimestamp;
    long savedMaxOffset = offsetOfMaxTimestamp;
    long savedSince = bytesSinceIndexEntry;
    long last = -1;
    try {
      ByteBuffer src = batches.duplicate();
      long at = position;
      while (src.hasRemaining()) {
        at += log.write(src, at);
      }
      for (int i = start; i < start + length; ) {
        int batchSize = RecordBatchDescriptor.batchSize(batches, i);
        last = RecordBatchDescriptor.lastOffset(batches, i);
        indexBatch(position + (i - start), batchSize, last, RecordBatchDescriptor.maxTimestamp(batches, i));
        i += batchSize;
      }
    } catch (IOException | RuntimeException e) {
      // All or nothing: cut the log back and forget the new entries.
      try {
        log.truncate(position);
        offsetIndex.truncateTo(offsetEntries);
        timeIndex.truncateTo(timeEntries);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      maxTimestamp = savedMax;
      offsetOfMaxTimestamp = savedMaxOffset;
      bytesSinceIndexEntry = savedSince;
      throw e;
    }
    nextOffset = last + 1;
    size = position + length; // publish: readers may now read these batches
    batches.position(start + length);
  }

  /** Applies the indexing rule to one batch at {@code position}. */
  private void indexBatch(long position, int batchSize, long lastOffset, long batchMaxTimestamp)
      throws IOException {
    if (batchMaxTimestamp > maxTimestamp) {
      maxTimestamp = batchMaxTimestamp;
      offsetOfMaxTimestamp = lastOffset;
    }
    if (bytesSinceIndexEntry > options.indexIntervalBytes() && !offsetIndex.isFull()) {
      offsetIndex.append(relative(lastOffset), (int) position);
      timeIndex.maybeAppend(maxTimestamp, relative(offsetOfMaxTimestamp), false);
      bytesSinceIndexEntry = 0;
    }
    bytesSinceIndexEntry += batchSize;
  }

  private int relative(long offset) {
    return (int) (offset - baseOffset);
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public BatchSlice read(long startOffset, long endOffset, int maxBytes) throws IOException {
    long limit = size; // only batches whose append completed
    if (limit == 0 || startOffset >= endOffset) {
      return BatchSlice.empty(limit);
    }
    ensureIndexesLoaded();
    int entry = offsetIndex.floorEntry(startOffset - baseOffset);
    BatchScanner.Range r = null;
    if (entry >= 0) {
      r = BatchScanner.locate(log::read, name(), offsetIndex.positionOf(entry),
          baseOffset + offsetIndex.relativeOffsetOf(entry), baseOffset, limit, startOffset, endOffset,
          maxBytes);
      if (r == null) {
        LOG.log(Level.WARNING, "{0}: index entry {1} does not match the log; scanning from the start",
            name(), entry);
      }
    }
    if (r == null) {
      r = BatchScanner.locate(log::read, name(), 0, -1, baseOffset, limit, startOffset, endOffset,
          maxBytes);
    }
    return r.size() == 0 ? BatchSlice.empty(r.position()) : new FileSlice(log, r.position(), r.size());
  }

  @Override
  public long timestampLookup(long targetTimestamp) throws IOException {
    ensureIndexesLoaded();
    int rel = timeIndex.lookup(targetTimestamp);
    return rel < 0 ? baseOffset : baseOffset + rel;
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public void flush() throws IOException {
    log.force(false);
    synchronized (lock) { // may run alongside seal(), which writes the indexes
      if (sealed) {
        offsetIndex.force();
        timeIndex.force();
      }
    }
  }

  /** Marks a segment loaded from disk that is not the last one as sealed. */
  void markSealed() {
    synchronized (lock) {
      sealed = true;
    }
  }

  @Override
  public long truncateTo(long offset) throws IOException {
    synchronized (lock) {
      ensureIndexesLoaded();
      if (offset >= nextOffset()) {
        return 0;
      }
      long position = positionOf(offset);
      long removed = size - position;
      log.truncate(position);
      size = position;
      nextOffset = offset;
      offsetIndex.truncateToPosition(position);
      timeIndex.truncateToOffset(relative(offset));
      // The largest timestamp left: the last time entry covers every batch up to the last offset
      // entry; the batches after that are scanned.
      maxTimestamp = timeIndex.lastTimestamp();
      offsetOfMaxTimestamp = timeIndex.count() == 0 ? -1 : baseOffset + timeIndex.lastRelativeOffset();
      long from = offsetIndex.lastPosition();
      BatchScanner scan = new BatchScanner(log::read, from, position);
      while (scan.next()) {
        if (scan.maxTimestamp() > maxTimestamp) {
          maxTimestamp = scan.maxTimestamp();
          offsetOfMaxTimestamp = scan.lastOffset();
        }
      }
      bytesSinceIndexEntry = position - from;
      sealed = false;
      return removed;
    }
  }

  /** The position of the batch whose base offset is {@code offset}. */
  private long positionOf(long offset) throws IOException {
    long position = BatchScanner.positionOf(log::read, offsetIndex.lookup(offset - baseOffset), size, offset);
    if (position < 0) {
      throw new IllegalArgumentException("not a batch boundary: segment=" + name() + ", offset=" + offset);
    }
    return position;
  }

  @Override
  public SegmentRecovery recover(long verifiedOffset) throws IOException {
    synchronized (lock) {
      long fileSize = log.size();
      resetIndexes();
      BatchScanner.ScanResult r = BatchScanner.recover(log::read, 0, fileSize, baseOffset,
          (position, batchSize, base, last, batchMaxTimestamp, epoch) ->
              indexBatch(position, batchSize, last, batchMaxTimestamp));
      if (r.validEnd() < fileSize) {
        log.truncate(r.validEnd());
      }
      size = r.validEnd();
      nextOffset = r.nextOffset();
      indexesLoaded = true;
      return new SegmentRecovery(r.validEnd(), fileSize - r.validEnd(), r.nextOffset(), r.problem());
    }
  }

  private void resetIndexes() throws IOException {
    offsetIndex.reset();
    timeIndex.reset();
    maxTimestamp = -1;
    offsetOfMaxTimestamp = -1;
    bytesSinceIndexEntry = 0;
  }

  /** Loads and checks the indexes of an existing segment, rebuilding them if they are not sane. */
  private void ensureIndexesLoaded() throws IOException {
    if (indexesLoaded) {
      return;
    }
    synchronized (lock) {
      if (indexesLoaded) {
        return;
      }
      long logSize = size;
      boolean ok = offsetIndex.load() && timeIndex.load();
      String problem = ok ? offsetIndex.sanityCheck(logSize).or(() ->
          timeIndex.sanityCheck(Integer.MAX_VALUE)).orElse(null) : "missing or of a bad length";
      if (problem == null && logSize > 0 && timeIndex.count() == 0) {
        problem = "no time index entry for a non-empty segment";
      }
      if (problem != null) {
        LOG.log(Level.WARNING, "{0}: rebuilding indexes ({1})", name(), problem);
        rebuildIndexes(logSize);
      } else {
        maxTimestamp = timeIndex.lastTimestamp();
        offsetOfMaxTimestamp = timeIndex.count() == 0 ? -1 : baseOffset + timeIndex.lastRelativeOffset();
        bytesSinceIndexEntry = logSize - offsetIndex.lastPosition();
      }
      indexesLoaded = true;
    }
  }

  /** Rebuilds both indexes from the batch headers (the data itself was checked before). */
  private void rebuildIndexes(long logSize) throws IOException {
    resetIndexes();
    BatchScanner scan = new BatchScanner(log::read, 0, logSize);
    while (scan.next()) {
      indexBatch(scan.position(), scan.size(), scan.lastOffset(), scan.maxTimestamp());
    }
    if (sealed || closed) {
      trimIndexes();
    }
    // A rebuilt index may belong to a segment below the recovery point, which recovery will not
    // scan again: it must be on disk before anyone relies on it.
    offsetIndex.force();
    timeIndex.force();
  }

  @Override
  public void seal() throws IOException {
    synchronized (lock) {
      ensureIndexesLoaded();
      writeFinalTimeEntry();
      trimIndexes();
      // The recovery point may already cover this segment's data, so recovery would not rebuild
      // these indexes after a crash: they are forced now.
      offsetIndex.force();
      timeIndex.force();
      sealed = true;
    }
  }

  private void writeFinalTimeEntry() throws IOException {
    if (size > 0 && offsetOfMaxTimestamp >= 0) {
      timeIndex.maybeAppend(maxTimestamp, relative(offsetOfMaxTimestamp), true);
    }
  }

  private void trimIndexes() throws IOException {
    offsetIndex.trim();
    timeIndex.trim();
  }

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        if (indexesLoaded) {
          writeFinalTimeEntry();
          trimIndexes();
          // A clean shutdown trusts these indexes next time: they must be on disk.
          offsetIndex.force();
          timeIndex.force();
        }
      } finally {
        closed = true;
        closeQuietly();
      }
    }
  }

  private void closeQuietly() {
    for (AutoCloseable c : new AutoCloseable[] {offsetIndex::close, timeIndex::close, log}) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(Level.DEBUG, "closing a file of " + logPath + " failed", e);
      }
    }
  }

  @Override
  public void delete() throws IOException {
    synchronized (lock) {
      closed = true;
      closeQuietly();
      io.deleteIfExists(logPath);
      io.deleteIfExists(offsetIndex.path);
      io.deleteIfExists(timeIndex.path);
      io.syncDirectory(logPath.getParent());
    }
    onDelete.accept(this);
  }

  @Override
  public String toString() {
    return "FileSegment{" + logPath + ", size=" + size + '}';
  }
}
