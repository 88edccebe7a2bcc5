package io.samsa.spi.layout;

import io.samsa.CorruptRecordException;
import io.samsa.spi.BatchSlice;
import io.samsa.spi.FileIO;
import io.samsa.spi.Segment;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.SegmentRecovery;
import io.samsa.spi.format.BatchScanner;
import io.samsa.spi.format.OffsetIndexDescriptor;
import io.samsa.spi.format.PositionalReader;
import io.samsa.spi.format.RecordBatchDescriptor;
import io.samsa.spi.format.TimeIndexDescriptor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A segment as Kafka lays it out: {@code <base>.log} holding the record batches back to back,
 * with a sparse offset index ({@code .index}) and time index ({@code .timeindex}), all named by
 * the 20-digit zero-padded base offset. Everything but storing the bytes is here; a subclass
 * supplies the data primitives ({@link #writeData}, {@link #readData}, ...) and chooses how its
 * indexes live (heap copies or memory mappings).
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
 * relies on it: a sealed segment's by the flush that must follow a seal (see {@link
 * Segment#seal}), a closing segment's at close (a clean shutdown trusts them), a rebuilt one's at
 * once. Indexes of an existing segment are loaded lazily and checked; insane ones are rebuilt
 * from the log.
 *
 * <h2>Threading</h2>
 * As {@link Segment} states. Lazy loading and the structural changes are serialized by {@link
 * #lock}.
 */
public abstract class IndexedSegment implements Segment {
  private static final System.Logger LOG = System.getLogger(IndexedSegment.class.getName());

  protected final FileIO io;
  protected final SegmentOptions options;
  /** Serializes lazy loading, sealing, truncation, recovery and closing. */
  protected final Object lock = new Object();
  private final Path logPath;
  private final long baseOffset;
  private final OffsetIndex offsetIndex;
  private final TimeIndex timeIndex;
  private final Consumer<IndexedSegment> onDelete;

  private volatile long size;
  private volatile long nextOffset = -1; // -1: not known yet
  private volatile boolean indexesLoaded;
  private volatile long maxTimestamp = -1;
  private long offsetOfMaxTimestamp = -1;
  private long bytesSinceIndexEntry;
  private volatile boolean sealed; // changed under lock
  /** Changes to the data (appends, cuts), counted so that a force of unchanged data is skipped. */
  private final AtomicLong changes = new AtomicLong();
  private volatile long forcedChanges;
  /** Whether the files' names are durable: a new segment's directory is synced at its first force. */
  private volatile boolean namesDurable = true;
  private boolean closed; // guarded by lock

  /**
   * @param mappedIndexes whether the indexes are memory mappings ({@link IndexFile#mapped}) rather
   *     than heap copies ({@link IndexFile#onHeap})
   * @param onDelete told when the segment is deleted
   */
  protected IndexedSegment(FileIO io, Path dir, long baseOffset, SegmentOptions options,
      boolean mappedIndexes, Consumer<IndexedSegment> onDelete) {
    this.io = io;
    this.options = options;
    this.baseOffset = baseOffset;
    this.onDelete = onDelete;
    String prefix = SegmentFiles.fileName(baseOffset);
    this.logPath = dir.resolve(prefix + SegmentFiles.LOG_SUFFIX);
    Path index = dir.resolve(prefix + SegmentFiles.INDEX_SUFFIX);
    Path timeindex = dir.resolve(prefix + SegmentFiles.TIME_INDEX_SUFFIX);
    this.offsetIndex = new OffsetIndex(mappedIndexes
        ? IndexFile.mapped(io, index, OffsetIndexDescriptor.ENTRY_SIZE, options.maxIndexBytes())
        : IndexFile.onHeap(io, index, OffsetIndexDescriptor.ENTRY_SIZE, options.maxIndexBytes()));
    this.timeIndex = new TimeIndex(mappedIndexes
        ? IndexFile.mapped(io, timeindex, TimeIndexDescriptor.ENTRY_SIZE, options.maxIndexBytes())
        : IndexFile.onHeap(io, timeindex, TimeIndexDescriptor.ENTRY_SIZE, options.maxIndexBytes()));
  }

  /**
   * Called once by the subclass's factory, after it has opened its data.
   *
   * @param size the bytes of batches the data holds (the file's length, for a segment on disk)
   * @param fresh a new, empty segment: its indexes are created now
   * @param sealed for a segment found on disk, whether it is not the last one (takes no appends)
   */
  protected final void initialize(long size, boolean fresh, boolean sealed) throws IOException {
    this.size = size;
    this.sealed = sealed;
    if (fresh) {
      namesDurable = false;
      offsetIndex.file.create();
      timeIndex.file.create();
      nextOffset = baseOffset;
      indexesLoaded = true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The data primitives

  /** Writes all of {@code src} at {@code position}; a failure is rolled back by the caller. */
  protected abstract void writeData(ByteBuffer src, long position) throws IOException;

  /** Reads bytes at {@code position} into {@code dst}; -1 at the end. See {@link PositionalReader}. */
  protected abstract int readData(ByteBuffer dst, long position) throws IOException;

  /** A view of {@code length} bytes from {@code position}, for a read. */
  protected abstract BatchSlice sliceData(long position, int length) throws IOException;

  /**
   * Cuts the data to {@code size} bytes. Called with no reader in the segment (truncation,
   * recovery, a failed append) or, at seal, with readers below {@code size} only.
   */
  protected abstract void truncateData(long size) throws IOException;

  /** Forces the data written so far, and the data's length, to disk. */
  protected abstract void forceData(long size) throws IOException;

  /** The length of the data as stored now (it may exceed the batches if preallocated). */
  protected abstract long dataLength() throws IOException;

  /** Releases the data; the segment is not used again. */
  protected abstract void closeData() throws IOException;

  /**
   * The end of the bytes worth reporting as cut when recovery cuts at {@code validEnd}: the
   * whole length by default; a preallocating subclass stops at its zeros.
   */
  protected long cutEnd(long validEnd, long length) throws IOException {
    return length;
  }

  private PositionalReader data() {
    return this::readData;
  }

  private void cutData(long newSize) throws IOException {
    changes.incrementAndGet();
    truncateData(newSize);
  }

  /**
   * Forces the data unless nothing changed since the last force; then, for a new segment, syncs
   * its directory once, so that its files' names survive a crash too (deferred from creation:
   * an empty segment lost in a crash loses nothing).
   */
  private void forceIfChanged() throws IOException {
    long seen = changes.get();
    if (seen != forcedChanges) {
      forceData(size);
      forcedChanges = seen;
    }
    if (!namesDurable) {
      io.syncDirectory(logPath.getParent());
      namesDurable = true;
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public final long baseOffset() {
    return baseOffset;
  }

  @Override
  public final String name() {
    return logPath.toString();
  }

  /** The segment's data file. */
  protected final Path logPath() {
    return logPath;
  }

  /** Whether the segment is sealed: it takes no more appends (until a truncation reopens it). */
  protected final boolean isSealed() {
    return sealed;
  }

  @Override
  public final long sizeInBytes() {
    return size;
  }

  @Override
  public final long nextOffset() throws IOException {
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
    BatchScanner scan = new BatchScanner(data(), from, size);
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
  public final long maxTimestamp() throws IOException {
    ensureIndexesLoaded();
    return maxTimestamp;
  }

  @Override
  public final boolean isFull() {
    return offsetIndex.file.isFull() || timeIndex.isFull();
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public final void append(ByteBuffer batches) throws IOException {
    ensureIndexesLoaded();
    changes.incrementAndGet();
    long position = size;
    int start = batches.position();
    int length = batches.remaining();
    int offsetEntries = offsetIndex.file.count();
    int timeEntries = timeIndex.file.count();
    long savedMax = maxTimestamp;
    long savedMaxOffset = offsetOfMaxTimestamp;
    long savedSince = bytesSinceIndexEntry;
    long last = -1;
    try {
      writeData(batches.duplicate(), position);
      for (int i = start; i < start + length; ) {
        int batchSize = RecordBatchDescriptor.batchSize(batches, i);
        last = RecordBatchDescriptor.lastOffset(batches, i);
        indexBatch(position + (i - start), batchSize, last, RecordBatchDescriptor.maxTimestamp(batches, i));
        i += batchSize;
      }
    } catch (IOException | RuntimeException e) {
      // All or nothing: cut the log back and forget the new entries.
      try {
        cutData(position);
        offsetIndex.file.truncateTo(offsetEntries);
        timeIndex.file.truncateTo(timeEntries);
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
    if (bytesSinceIndexEntry > options.indexIntervalBytes() && !offsetIndex.file.isFull()) {
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
  public final BatchSlice read(long startOffset, long endOffset, int maxBytes) throws IOException {
    long limit = size; // only batches whose append completed
    if (limit == 0 || startOffset >= endOffset) {
      return BatchSlice.empty(limit);
    }
    ensureIndexesLoaded();
    int entry = offsetIndex.floorEntry(startOffset - baseOffset);
    BatchScanner.Range r = null;
    // The entry after the floor one names a batch that ends past startOffset; when that batch
    // also begins at or before it (every batch larger than the index interval has its entry),
    // one header read finds it.
    int above = entry + 1;
    if (above < offsetIndex.file.count()) {
      r = BatchScanner.locateIfFirst(data(), name(), offsetIndex.positionOf(above),
          baseOffset + offsetIndex.relativeOffsetOf(above), limit, startOffset, endOffset, maxBytes);
    }
    if (r == null && entry >= 0) {
      r = BatchScanner.locate(data(), name(), offsetIndex.positionOf(entry),
          baseOffset + offsetIndex.relativeOffsetOf(entry), baseOffset, limit, startOffset, endOffset,
          maxBytes);
      if (r == null) {
        LOG.log(Level.WARNING, "{0}: index entry {1} does not match the log; scanning from the start",
            name(), entry);
      }
    }
    if (r == null) {
      r = BatchScanner.locate(data(), name(), 0, -1, baseOffset, limit, startOffset, endOffset,
          maxBytes);
    }
    return r.size() == 0 ? BatchSlice.empty(r.position()) : sliceData(r.position(), r.size());
  }

  @Override
  public final long timestampLookup(long targetTimestamp) throws IOException {
    ensureIndexesLoaded();
    int entry = timeIndex.floorEntry(targetTimestamp);
    if (entry < 0) {
      return baseOffset;
    }
    long offset = baseOffset + timeIndex.relativeOffsetOf(entry);
    // An entry is not covered by any checksum: believe it only if the batch it names agrees (by
    // the indexing rule that batch ends at the entry's offset and reached the entry's timestamp).
    // Otherwise scan from the segment start, which is slower but always right.
    if (!batchEndsWith(offset, timeIndex.timestampOf(entry))) {
      LOG.log(Level.WARNING, "{0}: time index entry {1} does not match the log; scanning from the start",
          name(), entry);
      return baseOffset;
    }
    return offset;
  }

  /** Whether a whole batch in the log ends at {@code lastOffset} with {@code maxTimestamp}. */
  private boolean batchEndsWith(long lastOffset, long maxTimestamp) throws IOException {
    long limit = size;
    int entry = offsetIndex.floorEntry(lastOffset - baseOffset);
    long from = entry < 0 ? 0 : offsetIndex.positionOf(entry);
    for (long start : from == 0 ? new long[] {0} : new long[] {from, 0}) {
      BatchScanner scan = new BatchScanner(data(), start, limit);
      while (scan.next() && scan.lastOffset() <= lastOffset) {
        if (scan.lastOffset() == lastOffset) {
          return scan.maxTimestamp() == maxTimestamp && scan.verifyCrc().isEmpty();
        }
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public final void flush() throws IOException {
    forceIfChanged();
    synchronized (lock) { // may run alongside seal(), which writes the indexes
      if (sealed) {
        offsetIndex.file.force();
        timeIndex.file.force();
      }
    }
  }

  @Override
  public final long truncateTo(long offset) throws IOException {
    synchronized (lock) {
      ensureIndexesLoaded();
      if (offset >= nextOffset()) {
        return 0;
      }
      long position = BatchScanner.positionOf(data(), offsetIndex.lookup(offset - baseOffset), size, offset);
      if (position < 0) {
        throw new IllegalArgumentException("not a batch boundary: segment=" + name() + ", offset=" + offset);
      }
      long removed = size - position;
      cutData(position);
      size = position;
      nextOffset = offset;
      offsetIndex.truncateToPosition(position);
      timeIndex.truncateToOffset(relative(offset));
      // The largest timestamp left: the last time entry covers every batch up to the last offset
      // entry; the batches after that are scanned.
      maxTimestamp = timeIndex.lastTimestamp();
      offsetOfMaxTimestamp = timeIndex.file.count() == 0 ? -1 : baseOffset + timeIndex.lastRelativeOffset();
      long from = offsetIndex.lastPosition();
      BatchScanner scan = new BatchScanner(data(), from, position);
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

  @Override
  public final SegmentRecovery recover(long verifiedOffset) throws IOException {
    synchronized (lock) {
      changes.incrementAndGet(); // after a crash the bytes may sit in the page cache only
      long length = dataLength();
      resetIndexes();
      BatchScanner.ScanResult r = BatchScanner.recover(data(), 0, length, baseOffset,
          (position, batchSize, base, last, batchMaxTimestamp, epoch) ->
              indexBatch(position, batchSize, last, batchMaxTimestamp));
      long cutEnd = r.validEnd() < length ? cutEnd(r.validEnd(), length) : length;
      if (r.validEnd() < length) {
        cutData(r.validEnd());
      }
      size = r.validEnd();
      nextOffset = r.nextOffset();
      indexesLoaded = true;
      long cut = cutEnd - r.validEnd();
      return new SegmentRecovery(r.validEnd(), cut, r.nextOffset(), cut > 0 ? r.problem() : java.util.Optional.empty());
    }
  }

  private void resetIndexes() throws IOException {
    offsetIndex.file.create();
    timeIndex.file.create();
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
      boolean ok = offsetIndex.file.load() && timeIndex.file.load();
      String problem = ok ? offsetIndex.sanityCheck(logSize).or(timeIndex::sanityCheck).orElse(null)
          : "missing or of a bad length";
      if (problem == null && logSize > 0 && timeIndex.file.count() == 0) {
        problem = "no time index entry for a non-empty segment";
      }
      // The segment's largest timestamp is taken from the last time entry, which no checksum
      // covers: a lowered one would make a timestamp lookup skip the whole segment. Believe it
      // only if the batch it names agrees (see timestampLookup).
      if (problem == null && timeIndex.file.count() > 0
          && !batchEndsWith(baseOffset + timeIndex.lastRelativeOffset(), timeIndex.lastTimestamp())) {
        problem = "the last time index entry does not match the log";
      }
      if (problem != null) {
        LOG.log(Level.WARNING, "{0}: rebuilding indexes ({1})", name(), problem);
        rebuildIndexes(logSize);
      } else {
        maxTimestamp = timeIndex.lastTimestamp();
        offsetOfMaxTimestamp = timeIndex.file.count() == 0 ? -1 : baseOffset + timeIndex.lastRelativeOffset();
        bytesSinceIndexEntry = logSize - offsetIndex.lastPosition();
      }
      indexesLoaded = true;
    }
  }

  /** Rebuilds both indexes from the batch headers (the data itself was checked before). */
  private void rebuildIndexes(long logSize) throws IOException {
    resetIndexes();
    BatchScanner scan = new BatchScanner(data(), 0, logSize);
    while (scan.next()) {
      indexBatch(scan.position(), scan.size(), scan.lastOffset(), scan.maxTimestamp());
    }
    if (sealed || closed) {
      trimIndexes();
    }
    // A rebuilt index may belong to a segment below the recovery point, which recovery will not
    // scan again: it must be on disk before anyone relies on it.
    offsetIndex.file.force();
    timeIndex.file.force();
  }

  @Override
  public final void seal() throws IOException {
    synchronized (lock) {
      ensureIndexesLoaded();
      writeFinalTimeEntry();
      trimIndexes();
      cutData(size); // a preallocated data file is trimmed to its batches
      sealed = true; // the next flush forces all of this (see Segment#seal)
    }
  }

  private void writeFinalTimeEntry() throws IOException {
    if (size > 0 && offsetOfMaxTimestamp >= 0) {
      timeIndex.maybeAppend(maxTimestamp, relative(offsetOfMaxTimestamp), true);
    }
  }

  private void trimIndexes() throws IOException {
    offsetIndex.file.trim();
    timeIndex.file.trim();
  }

  @Override
  public final void close() throws IOException {
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        if (indexesLoaded) {
          dataLength(); // the storage must still answer before anything is written into it
          writeFinalTimeEntry();
          trimIndexes();
          cutData(size);
          forceIfChanged();
          // A clean shutdown trusts these indexes next time: they must be on disk.
          offsetIndex.file.force();
          timeIndex.file.force();
        }
      } finally {
        closed = true;
        closeQuietly();
      }
    }
  }

  private void closeQuietly() {
    for (AutoCloseable c : new AutoCloseable[] {offsetIndex.file::close, timeIndex.file::close, this::closeData}) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(Level.DEBUG, "closing a file of " + logPath + " failed", e);
      }
    }
  }

  @Override
  public final void delete() throws IOException {
    synchronized (lock) {
      closed = true;
      closeQuietly();
      io.deleteIfExists(logPath);
      io.deleteIfExists(offsetIndex.file.path());
      io.deleteIfExists(timeIndex.file.path());
      io.syncDirectory(logPath.getParent());
    }
    onDelete.accept(this);
  }

  /** Marks a segment found on disk that is not the last one as sealed. */
  final void markSealed() {
    synchronized (lock) {
      sealed = true;
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + logPath + ", size=" + size + '}';
  }
}
